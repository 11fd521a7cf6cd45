#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;

fn args(text: &str) -> Vec<String> {
    text.split_whitespace().map(String::from).collect()
}

#[test]
fn plans_from_the_command_line() {
    assert_eq!(parse_args(&[]).unwrap(), FULL);
    assert_eq!(parse_args(&args("--quick")).unwrap(), QUICK);
    let plan = parse_args(&args("--quick --rounds 7")).unwrap();
    assert_eq!((plan.rounds, plan.requests), (7, QUICK.requests));
    let plan = parse_args(&args("--rounds 7 --quick")).unwrap();
    assert_eq!((plan.rounds, plan.requests), (7, QUICK.requests));
    assert!(parse_args(&args("--rounds 0")).is_err());
    assert!(parse_args(&args("--rounds")).is_err());
    assert!(parse_args(&args("--fast")).is_err());
    let only = parse_args(&args("--only small,stall")).unwrap();
    assert_eq!(only.only, [true, false, false, false, true]);
    assert!(parse_args(&args("--only huge")).is_err());
}
