//! A Content-Type value read as a media type (RFC 9110, section 8.3.1): its `type/subtype` and its
//! charset, the two things a reader of a reply asks of it.

/// How much of a Content-Type value is read: a media type and its parameters are short, and a server
/// may send a value of megabytes.
pub const MEDIA_TYPE_READ: usize = 1024;

/// A Content-Type value, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaType {
    /// `type/subtype` in lower case, as media types compare without case (`text/html`).
    pub essence: String,
    /// The `charset` parameter, its quotes taken off, if there is one.
    pub charset: Option<String>,
}

impl MediaType {
    /// Reads a Content-Type value's first [`MEDIA_TYPE_READ`] bytes (any bytes: made text lossily).
    pub fn parse(value: &[u8]) -> Self {
        let text = String::from_utf8_lossy(&value[..value.len().min(MEDIA_TYPE_READ)]);
        let mut parts = text.split(';');
        let essence = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        let charset = parts.find_map(|p| {
            let (key, value) = p.split_once('=')?;
            key.trim().eq_ignore_ascii_case("charset").then(|| value.trim().trim_matches('"').to_owned())
        });
        Self { essence, charset }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_media_type_is_read_without_case_and_with_its_charset() {
        let html = MediaType::parse(b" Text/HTML ; q=1; CharSet=\"UTF-8\"");
        assert_eq!(html, MediaType { essence: "text/html".to_owned(), charset: Some("UTF-8".to_owned()) });
        assert_eq!(MediaType::parse(b"image/png").charset, None);
    }

    #[test]
    fn only_the_start_of_a_long_value_is_read() {
        let mut value = b"text/plain; x=".to_vec();
        value.resize(MEDIA_TYPE_READ * 4, b'a');
        value.extend_from_slice(b"; charset=utf-8");
        assert_eq!(MediaType::parse(&value).charset, None);
    }
}
