//! Status codes: the reason phrase that goes with each, and the small HTML page
//! an error response carries so that a person in a browser sees what went wrong.

/// The reason phrase RFC 9110 §15 gives a status code. Clients must ignore it
/// (RFC 9112 §4), but people read it in `curl -i` and in the browser's tools.
pub fn reason(code: u16) -> &'static str {
    match code {
        200 => "OK",
        301 => "Moved Permanently",
        304 => "Not Modified",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        412 => "Precondition Failed",
        413 => "Content Too Large",
        414 => "URI Too Long",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        505 => "HTTP Version Not Supported",
        _ => "Unknown",
    }
}

/// The body of an error response. `detail` is always our own text, never
/// anything the client sent: echoing a request back into HTML is how pages get
/// script injected into them.
pub fn error_page(code: u16, detail: &str) -> String {
    let title = format!("{code} {}", reason(code));
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>{title}</title></head>\n\
         <body><h1>{title}</h1><p>{detail}</p></body>\n</html>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_a_stage_sends_has_its_phrase() {
        for code in [
            200, 301, 304, 400, 403, 404, 405, 408, 412, 413, 414, 431, 500, 501, 505,
        ] {
            assert_ne!(reason(code), "Unknown", "{code}");
        }
    }

    #[test]
    fn error_page_names_the_status_and_the_detail() {
        let page = error_page(404, "nothing here by that name");
        assert!(page.starts_with("<!DOCTYPE html>"));
        assert!(page.contains("<title>404 Not Found</title>"));
        assert!(page.contains("<p>nothing here by that name</p>"));
    }
}
