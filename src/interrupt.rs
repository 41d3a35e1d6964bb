//! Waiting for the user to stop palanca: Ctrl-C, or a polite `kill`.
//!
//! Two commands hold something outside the process that must be let go of
//! when they are stopped: `serve` its preview folder, `pull` a query
//! running on a database server (which would otherwise run on after
//! palanca is gone). Both wait for the same two signals here.

/// Resolves when the process gets SIGINT (Ctrl-C) or, on Unix, SIGTERM.
/// Once this has been awaited, those signals no longer end the process by
/// themselves: the caller ends it.
pub async fn interrupted() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let Ok(mut terminate) = signal(SignalKind::terminate()) else {
            let _ = interrupt.await;
            return;
        };
        let terminated = terminate.recv();
        tokio::pin!(interrupt, terminated);
        std::future::poll_fn(|cx| {
            if interrupt.as_mut().poll(cx).is_ready() || terminated.as_mut().poll(cx).is_ready() {
                std::task::Poll::Ready(())
            } else {
                std::task::Poll::Pending
            }
        })
        .await;
    }
    #[cfg(not(unix))]
    let _ = interrupt.await;
}

/// Runs `then` on a thread of its own when the process is interrupted,
/// then ends the process with status 130 (the shell's code for Ctrl-C).
pub fn on_interrupt(then: impl FnOnce() + Send + 'static) {
    std::thread::spawn(move || {
        let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
            return;
        };
        runtime.block_on(interrupted());
        drop(runtime);
        then();
        std::process::exit(130);
    });
}
