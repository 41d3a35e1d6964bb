//! Formulas of derived metrics: a small expression language over series.
//!
//! `arr / 12`, `ltv / cac`, `arr / prev(arr, 3) - 1`. The parser is written
//! by hand (evalexpr, the usual crate, is AGPL) and keeps the byte span of
//! every token so that an error can point at the exact character in the
//! YAML file.

use std::collections::BTreeSet;
use std::ops::Range;

use crate::limits;
use crate::period::Month;

/// A parsed formula.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A number literal.
    Number(f64),
    /// Another metric's value in the same period.
    Metric {
        /// Its id.
        id: String,
        /// Where it is written in the formula.
        span: Range<usize>,
    },
    /// `-x`.
    Negate(Box<Expr>),
    /// `a op b`.
    Binary(Op, Box<Expr>, Box<Expr>),
    /// A function over the series.
    Call(Function, Vec<Expr>),
}

/// Arithmetic operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `^`
    Pow,
}

/// Functions a formula may call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Function {
    /// `prev(x)` or `prev(x, n)`: the value n months earlier (default 1).
    Prev(i32),
    /// `growth(x)`: x / prev(x) - 1, period over period.
    Growth,
    /// `cmgr(x, n)`: compound monthly growth over the last n months.
    Cmgr(i32),
    /// `sum(a, b, ...)`.
    Sum,
    /// `min(a, b, ...)`.
    Min,
    /// `max(a, b, ...)`.
    Max,
}

/// The names a formula may call, for error messages.
pub const FUNCTIONS: &str = "prev(x[, n]), growth(x), cmgr(x, n), sum(…), min(…), max(…)";

/// A formula that could not be parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    /// What is wrong.
    pub message: String,
    /// Where, in bytes of the formula text.
    pub span: Range<usize>,
    /// How to fix it.
    pub help: String,
    /// Whether the formula is beyond one of palanca's limits (rather than
    /// mistyped).
    pub limit: bool,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(f64),
    Ident(String),
    Sym(char),
    End,
}

struct Lexer {
    toks: Vec<(Tok, Range<usize>)>,
}

fn lex(text: &str) -> Result<Lexer, ParseError> {
    let mut toks = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = text[i..].chars().next().unwrap_or(' ');
        let start = i;
        if c.is_whitespace() {
            i += c.len_utf8();
        } else if c.is_ascii_digit() || c == '.' {
            while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.' || bytes[i] == b'_') {
                i += 1;
            }
            let literal = text[start..i].replace('_', "");
            let n = literal.parse().map_err(|_| ParseError {
                limit: false,
                message: format!("`{}` is not a number", &text[start..i]),
                span: start..i,
                help: "write numbers as 12, 0.5 or 1_000".into(),
            })?;
            toks.push((Tok::Num(n), start..i));
        } else if c.is_alphabetic() || c == '_' {
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            if i == start {
                i += c.len_utf8();
            }
            toks.push((Tok::Ident(text[start..i].to_string()), start..i));
        } else if "+-*/^(),".contains(c) {
            i += 1;
            toks.push((Tok::Sym(c), start..i));
        } else {
            return Err(ParseError {
                limit: false,
                message: format!("unexpected character `{c}` in formula"),
                span: start..start + c.len_utf8(),
                help: "a formula uses metric ids, numbers, + - * / ^, parentheses and functions".into(),
            });
        }
    }
    toks.push((Tok::End, text.len()..text.len()));
    Ok(Lexer { toks })
}

struct Parser {
    toks: Vec<(Tok, Range<usize>)>,
    pos: usize,
    /// How deep the parser has recursed: parentheses, calls, operators.
    depth: usize,
}

impl Parser {
    fn peek(&self) -> &(Tok, Range<usize>) {
        &self.toks[self.pos.min(self.toks.len() - 1)]
    }

    fn next(&mut self) -> (Tok, Range<usize>) {
        let t = self.peek().clone();
        self.pos += 1;
        t
    }

    fn require(&mut self, sym: char, help: &str) -> Result<(), ParseError> {
        match self.next() {
            (Tok::Sym(c), _) if c == sym => Ok(()),
            (tok, span) => Err(ParseError {
                limit: false,
                message: format!("expected `{sym}`, found {}", describe(&tok)),
                span,
                help: help.into(),
            }),
        }
    }

    /// Pratt parsing: `min_bp` is the binding power an operator needs to
    /// take the expression parsed so far as its left operand.
    fn expr(&mut self, min_bp: u8) -> Result<Expr, ParseError> {
        self.depth += 1;
        if self.depth > limits::FORMULA_DEPTH {
            return Err(ParseError {
                limit: true,
                message: format!("the formula is nested more than {} levels deep", limits::FORMULA_DEPTH),
                span: self.peek().1.clone(),
                help: "split it into intermediate metrics, each with its own formula".into(),
            });
        }
        let result = self.expr_inner(min_bp);
        self.depth -= 1;
        result
    }

    fn expr_inner(&mut self, min_bp: u8) -> Result<Expr, ParseError> {
        let mut left = self.prefix()?;
        loop {
            let op = match self.peek().0 {
                Tok::Sym('+') => Op::Add,
                Tok::Sym('-') => Op::Sub,
                Tok::Sym('*') => Op::Mul,
                Tok::Sym('/') => Op::Div,
                Tok::Sym('^') => Op::Pow,
                _ => return Ok(left),
            };
            let (lbp, rbp) = match op {
                Op::Add | Op::Sub => (1, 2),
                Op::Mul | Op::Div => (3, 4),
                Op::Pow => (8, 7), // right-associative, binds tighter than unary minus
            };
            if lbp < min_bp {
                return Ok(left);
            }
            self.next();
            let right = self.expr(rbp)?;
            left = Expr::Binary(op, Box::new(left), Box::new(right));
        }
    }

    fn prefix(&mut self) -> Result<Expr, ParseError> {
        match self.next() {
            (Tok::Num(n), _) => Ok(Expr::Number(n)),
            (Tok::Sym('-'), _) => Ok(Expr::Negate(Box::new(self.expr(5)?))),
            (Tok::Sym('('), _) => {
                let inner = self.expr(0)?;
                self.require(')', "close the parenthesis")?;
                Ok(inner)
            }
            (Tok::Ident(name), span) if self.peek().0 == Tok::Sym('(') => self.call(name, span),
            (Tok::Ident(id), span) => Ok(Expr::Metric { id, span }),
            (tok, span) => Err(ParseError {
                limit: false,
                message: format!("expected a metric, a number or `(`, found {}", describe(&tok)),
                span,
                help: "complete the expression, e.g. `arr / 12`".into(),
            }),
        }
    }

    fn call(&mut self, name: String, span: Range<usize>) -> Result<Expr, ParseError> {
        self.next(); // the `(`
        let mut args = Vec::new();
        let mut arg_spans = Vec::new();
        if self.peek().0 != Tok::Sym(')') {
            loop {
                let start = self.peek().1.start;
                args.push(self.expr(0)?);
                arg_spans.push(start..self.toks[self.pos - 1].1.end);
                if self.peek().0 != Tok::Sym(',') {
                    break;
                }
                self.next();
            }
        }
        let close = self.peek().1.clone();
        self.require(')', "close the function call's parenthesis")?;
        let whole = span.start..close.end;
        let function = resolve_function(&name, span, &args, &arg_spans, whole)?;
        // The count argument of prev/cmgr is folded into the function.
        if matches!(function, Function::Prev(_) | Function::Cmgr(_)) {
            args.truncate(1);
        }
        Ok(Expr::Call(function, args))
    }
}

fn resolve_function(
    name: &str,
    name_span: Range<usize>,
    args: &[Expr],
    arg_spans: &[Range<usize>],
    whole: Range<usize>,
) -> Result<Function, ParseError> {
    let arity = |ok: bool, expected: &str| -> Result<(), ParseError> {
        if ok {
            Ok(())
        } else {
            Err(ParseError {
                limit: false,
                message: format!("`{name}` takes {expected}, found {}", args.len()),
                span: whole.clone(),
                help: format!("functions: {FUNCTIONS}"),
            })
        }
    };
    let months = |i: usize| -> Result<i32, ParseError> {
        match args.get(i) {
            None => Ok(1),
            Some(Expr::Number(n)) if *n >= 1.0 && n.fract() == 0.0 && *n <= f64::from(limits::LOOKBACK_MONTHS) => {
                Ok(*n as i32)
            }
            Some(Expr::Number(n)) if *n > f64::from(limits::LOOKBACK_MONTHS) => Err(ParseError {
                limit: true,
                message: format!(
                    "`{name}` looks back {n} months, beyond the limit of {}",
                    limits::LOOKBACK_MONTHS
                ),
                span: arg_spans[i].clone(),
                help: format!("look back at most ten years, e.g. `{name}(arr, 12)`"),
            }),
            Some(_) => Err(ParseError {
                limit: false,
                message: format!(
                    "the second argument of `{name}` must be a whole number of months from 1 to {}",
                    limits::LOOKBACK_MONTHS
                ),
                span: arg_spans[i].clone(),
                help: format!("write e.g. `{name}(arr, 3)`"),
            }),
        }
    };
    match name {
        "prev" => {
            arity(matches!(args.len(), 1 | 2), "one or two arguments")?;
            Ok(Function::Prev(months(1)?))
        }
        "growth" => arity(args.len() == 1, "one argument").map(|_| Function::Growth),
        "cmgr" => {
            arity(args.len() == 2, "two arguments")?;
            Ok(Function::Cmgr(months(1)?))
        }
        "sum" | "min" | "max" => {
            arity(!args.is_empty(), "at least one argument")?;
            Ok(match name {
                "sum" => Function::Sum,
                "min" => Function::Min,
                _ => Function::Max,
            })
        }
        _ => Err(ParseError {
            limit: false,
            message: format!("unknown function `{name}`"),
            span: name_span,
            help: format!("functions: {FUNCTIONS}"),
        }),
    }
}

fn describe(tok: &Tok) -> String {
    match tok {
        Tok::Num(n) => format!("number `{n}`"),
        Tok::Ident(i) => format!("`{i}`"),
        Tok::Sym(c) => format!("`{c}`"),
        Tok::End => "the end of the formula".into(),
    }
}

/// Parses a formula. Formulas longer than [`limits::FORMULA_CHARS`],
/// nested deeper than [`limits::FORMULA_DEPTH`] or looking back further
/// than [`limits::LOOKBACK_MONTHS`] are refused, so evaluating one is
/// always cheap and shallow.
pub fn parse(text: &str) -> Result<Expr, ParseError> {
    if text.chars().count() > limits::FORMULA_CHARS {
        return Err(ParseError {
            limit: true,
            message: format!("the formula is longer than {} characters", limits::FORMULA_CHARS),
            span: 0..text.len().min(1),
            help: "split it into intermediate metrics, each with its own formula".into(),
        });
    }
    let Lexer { toks } = lex(text)?;
    let mut parser = Parser { toks, pos: 0, depth: 0 };
    let expr = parser.expr(0)?;
    if expr.lookback() > limits::LOOKBACK_MONTHS {
        return Err(ParseError {
            limit: true,
            message: format!(
                "the formula looks back more than {} months in all",
                limits::LOOKBACK_MONTHS
            ),
            span: 0..text.len(),
            help: "nested prev() and cmgr() add up; look back at most ten years".into(),
        });
    }
    match parser.next() {
        (Tok::End, _) => Ok(expr),
        (tok, span) => Err(ParseError {
            limit: false,
            message: format!("unexpected {} after a complete expression", describe(&tok)),
            span,
            help: "join the parts with an operator such as `*` or remove the extra text".into(),
        }),
    }
}

impl Expr {
    /// Every metric the formula reads, with where it is written.
    pub fn references(&self) -> Vec<(&str, Range<usize>)> {
        let mut out = Vec::new();
        self.walk(&mut |e| {
            if let Expr::Metric { id, span } = e {
                out.push((id.as_str(), span.clone()));
            }
        });
        out
    }

    /// The distinct metric ids the formula reads.
    pub fn inputs(&self) -> BTreeSet<&str> {
        self.references().into_iter().map(|(id, _)| id).collect()
    }

    /// How many months back the formula looks at most (for `prev`).
    pub fn lookback(&self) -> i32 {
        match self {
            Expr::Number(_) | Expr::Metric { .. } => 0,
            Expr::Negate(e) => e.lookback(),
            Expr::Binary(_, a, b) => a.lookback().max(b.lookback()),
            Expr::Call(f, args) => {
                let own = match f {
                    Function::Prev(n) | Function::Cmgr(n) => *n,
                    Function::Growth => 1,
                    _ => 0,
                };
                own + args.iter().map(Expr::lookback).max().unwrap_or(0)
            }
        }
    }

    fn walk<'a>(&'a self, f: &mut dyn FnMut(&'a Expr)) {
        f(self);
        match self {
            Expr::Negate(e) => e.walk(f),
            Expr::Binary(_, a, b) => {
                a.walk(f);
                b.walk(f);
            }
            Expr::Call(_, args) => args.iter().for_each(|a| a.walk(f)),
            _ => {}
        }
    }

    /// The value in `month`, reading metrics through `lookup`. Missing input
    /// gives `None`, never zero; a division by zero also gives `None` and
    /// sets `divided_by_zero`.
    pub fn eval(
        &self,
        month: Month,
        lookup: &dyn Fn(&str, Month) -> Option<f64>,
        divided_by_zero: &mut bool,
    ) -> Option<f64> {
        let v = match self {
            Expr::Number(n) => Some(*n),
            Expr::Metric { id, .. } => lookup(id, month),
            Expr::Negate(e) => e.eval(month, lookup, divided_by_zero).map(|v| -v),
            Expr::Binary(op, a, b) => {
                let a = a.eval(month, lookup, divided_by_zero)?;
                let b = b.eval(month, lookup, divided_by_zero)?;
                match op {
                    Op::Add => Some(a + b),
                    Op::Sub => Some(a - b),
                    Op::Mul => Some(a * b),
                    Op::Div if b == 0.0 => {
                        *divided_by_zero = true;
                        None
                    }
                    Op::Div => Some(a / b),
                    Op::Pow => Some(a.powf(b)),
                }
            }
            Expr::Call(f, args) => self.call(*f, args, month, lookup, divided_by_zero),
        };
        v.filter(|v| v.is_finite())
    }

    fn call(
        &self,
        f: Function,
        args: &[Expr],
        month: Month,
        lookup: &dyn Fn(&str, Month) -> Option<f64>,
        dz: &mut bool,
    ) -> Option<f64> {
        let at = |m: Month, dz: &mut bool| args[0].eval(m, lookup, dz);
        match f {
            Function::Prev(n) => at(month.offset(-n), dz),
            Function::Growth => ratio_minus_one(at(month, dz)?, at(month.offset(-1), dz)?, dz),
            Function::Cmgr(n) => {
                let growth = ratio_minus_one(at(month, dz)?, at(month.offset(-n), dz)?, dz)?;
                Some((1.0 + growth).powf(1.0 / n as f64) - 1.0)
            }
            Function::Sum | Function::Min | Function::Max => {
                let values: Option<Vec<f64>> = args.iter().map(|a| a.eval(month, lookup, dz)).collect();
                let values = values?;
                Some(match f {
                    Function::Sum => values.iter().sum(),
                    Function::Min => values.iter().copied().fold(f64::INFINITY, f64::min),
                    _ => values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                })
            }
        }
    }
}

fn ratio_minus_one(now: f64, before: f64, dz: &mut bool) -> Option<f64> {
    if before == 0.0 {
        *dz = true;
        return None;
    }
    Some(now / before - 1.0)
}

#[cfg(test)]
mod tests;
