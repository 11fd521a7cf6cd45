#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;

#[test]
fn code_blocks_lose_their_common_indent_and_nothing_else_changes() {
    let markdown = "Text\n    indented prose stays\n\n```rust\n    fn a() {\n        b();\n\n    }\n```\n\
                    ~~~\n  x\n  ```\n  y\n~~~\n```\nkept\n```\n";
    assert_eq!(
        dedent_code_blocks(markdown),
        "Text\n    indented prose stays\n\n```rust\nfn a() {\n    b();\n\n}\n```\n\
         ~~~\nx\n```\ny\n~~~\n```\nkept\n```\n"
    );
    // An unclosed block is left as it was.
    assert_eq!(dedent_code_blocks("```\n    a\n"), "```\n    a\n");
}

#[test]
fn every_chapter_of_the_json_book_is_dedented() {
    let mut book: Value = serde_json::from_str(
        r#"{"items": [{"Chapter": {"name": "a", "content": "```\n  x\n```\n",
            "sub_items": [{"Chapter": {"content": "```\n\ty\n```\n", "sub_items": []}}]}},
            "Separator", {"PartTitle": "p"}]}"#,
    )
    .unwrap();
    dedent_chapters(&mut book);
    assert_eq!(book["items"][0]["Chapter"]["content"], "```\nx\n```\n");
    let sub = &book["items"][0]["Chapter"]["sub_items"][0]["Chapter"]["content"];
    assert_eq!(sub, "```\ny\n```\n");
}
