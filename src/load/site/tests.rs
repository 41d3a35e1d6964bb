//! Unit tests of the parent module.

use super::*;

#[test]
fn base_urls_are_paths_or_http_addresses() {
    assert_eq!(check_base_url("/").unwrap(), "/");
    assert_eq!(check_base_url("/plan").unwrap(), "/plan/");
    assert_eq!(
        check_base_url("https://Example.com/plan").unwrap(),
        "https://example.com/plan/"
    );
    assert_eq!(
        check_base_url("https://example.com/a\"b&c/").unwrap(),
        "https://example.com/a%22b&c/",
        "quotes are encoded; `&` stays, for the XML writer to escape"
    );
    assert!(check_base_url("javascript:alert(1)").is_err());
    assert!(check_base_url("example.com").is_err());
    assert!(check_base_url("https://example.com/?a=1").is_err());
    assert!(check_base_url("//evil.example/").is_err());
}

#[test]
fn themes_are_names_not_paths() {
    assert!(is_plain_name("mine"));
    assert!(is_plain_name("dark-v2"));
    assert!(!is_plain_name("../../somewhere"));
    assert!(!is_plain_name("a/b"));
    assert!(!is_plain_name(""));
}

#[test]
fn a_database_setting_is_a_variable_name_never_a_url() {
    assert!(is_env_name("PALANCA_DATABASE_URL"));
    assert!(is_env_name("db_url2"));
    assert!(!is_env_name("postgres://user:secret@host/db"));
    assert!(!is_env_name("2DB"));
    assert!(!is_env_name(""));
}
