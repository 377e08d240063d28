//! Pages compressed whole, with gzip or brotli as the browser accepts.
//!
//! The general compression layer (tower-http's) compresses a page as it streams, with brotli's
//! default 4 MiB window: for a section page of about 30 KB that cost more CPU than rendering
//! the page (0.68 ms against 0.86 ms in `scripts/bench`), most of it setting up tables for a
//! window a hundred times the page and flushing once per chunk of the stream. Here a page is
//! read whole (pages are rendered whole anyway) and compressed in one pass.
//!
//! gzip comes first when the browser takes both: on the app's pages (HTML of 20-40 KB) gzip
//! at level 4 came out smaller than brotli at quality 4 and took about half the CPU (a
//! reader's section page of 25 KB: 6,055 bytes in about 0.2 ms against 6,209 bytes in about
//! 0.4 ms; brotli gains on such pages only from quality 5, which costs milliseconds). Brotli,
//! with a window sized to the page, is for a browser that takes it and not gzip. Anything else,
//! a page too large to hold, and a browser that takes neither are left to the general layer,
//! which skips what already carries a `Content-Encoding`.

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use futures_util::StreamExt;
use http::header::{self, HeaderMap, HeaderValue};
use http::StatusCode;

/// Pages larger than this are streamed to the general layer rather than held and compressed
/// here (none of the app's pages comes near it; the page cache keeps at most 2 MiB a page).
const MAX_WHOLE_BYTES: usize = 2 * 1024 * 1024;

/// Pages up to this size are compressed on the async worker that rendered them.
const INLINE_BYTES: usize = 256 * 1024;

/// Brotli quality 4 and gzip level 4, as the general layer uses.
const QUALITY: i32 = 4;
const GZIP_LEVEL: u32 = 4;

/// How a page is compressed whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Whole {
    Gzip,
    Brotli,
}

impl Whole {
    /// The encoding for a request with these headers: gzip if it takes it, else brotli.
    fn for_request(headers: &HeaderMap) -> Option<Whole> {
        let takes = |coding: &str| {
            headers
                .get_all(header::ACCEPT_ENCODING)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .any(|v| accepts(v, coding))
        };
        if takes("gzip") {
            Some(Whole::Gzip)
        } else if takes("br") {
            Some(Whole::Brotli)
        } else {
            None
        }
    }

    fn header(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            Whole::Gzip => "gzip",
            Whole::Brotli => "br",
        })
    }

    fn compress(self, page: &[u8]) -> Option<Vec<u8>> {
        match self {
            Whole::Gzip => gzip(page),
            Whole::Brotli => brotli(page),
        }
    }
}

/// Middleware: compresses HTML pages whole with gzip or brotli when the browser accepts one.
pub async fn compress(req: Request, next: Next) -> Response {
    let whole = Whole::for_request(req.headers());
    let res = next.run(req).await;
    let html = crate::page_cache::is_html(&res);
    let Some(whole) = whole else {
        return res;
    };
    if !html
        || res.status() == StatusCode::NO_CONTENT
        || res.headers().contains_key(header::CONTENT_ENCODING)
    {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let mut stream = body.into_data_stream();
    let mut page = Vec::new();
    while let Some(chunk) = stream.next().await {
        match chunk {
            Ok(chunk) if page.len() + chunk.len() <= MAX_WHOLE_BYTES => {
                page.extend_from_slice(&chunk);
            }
            Ok(chunk) => {
                // Too large to hold: what was read goes first, then the rest as it comes.
                let head = futures_util::stream::iter([Ok(Bytes::from(page)), Ok(chunk)]);
                return Response::from_parts(parts, Body::from_stream(head.chain(stream)));
            }
            // The page was broken off while it was rendered; say so rather than send half.
            Err(e) => return crate::page_cache::unreadable_page(&e),
        }
    }
    // A section page takes about 0.2 ms; a page far larger than any the app makes would hold
    // an async worker for milliseconds, so that one goes to the blocking pool.
    let page = Bytes::from(page);
    let compressed = if page.len() <= INLINE_BYTES {
        whole.compress(&page)
    } else {
        let job = page.clone();
        tokio::task::spawn_blocking(move || whole.compress(&job))
            .await
            .ok()
            .flatten()
    };
    let Some(compressed) = compressed else {
        return Response::from_parts(parts, Body::from(page));
    };
    parts
        .headers
        .insert(header::CONTENT_ENCODING, whole.header());
    parts.headers.append(
        header::VARY,
        HeaderValue::from_static(header::ACCEPT_ENCODING.as_str()),
    );
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.remove(header::ACCEPT_RANGES);
    Response::from_parts(parts, Body::from(compressed))
}

/// Whether an `Accept-Encoding` value accepts `coding` (listed, and not with `q=0`).
fn accepts(value: &str, coding: &str) -> bool {
    value.split(',').any(|listed| {
        let mut fields = listed.split(';').map(str::trim);
        let name = fields.next().unwrap_or_default();
        let refused = fields.any(|f| {
            f.strip_prefix("q=")
                .and_then(|q| q.trim().parse::<f32>().ok())
                .is_some_and(|q| q <= 0.0)
        });
        name.eq_ignore_ascii_case(coding) && !refused
    })
}

/// `page` compressed with a window just large enough for it (below 2^16 a smaller window saves
/// nothing more; measured).
fn brotli(page: &[u8]) -> Option<Vec<u8>> {
    let lgwin = (usize::BITS - page.len().max(1).leading_zeros()).clamp(16, 22) as i32;
    let params = brotli::enc::BrotliEncoderParams {
        quality: QUALITY,
        lgwin,
        size_hint: page.len(),
        ..Default::default()
    };
    let mut out = Vec::with_capacity(page.len() / 3 + 64);
    brotli::BrotliCompress(&mut &page[..], &mut out, &params).ok()?;
    Some(out)
}

/// `page` gzipped at [`GZIP_LEVEL`].
fn gzip(page: &[u8]) -> Option<Vec<u8>> {
    use std::io::Write;
    let out = Vec::with_capacity(page.len() / 3 + 64);
    let mut encoder = flate2::write::GzEncoder::new(out, flate2::Compression::new(GZIP_LEVEL));
    encoder.write_all(page).ok()?;
    encoder.finish().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn a_coding_is_accepted_when_listed_unless_refused() {
        assert!(accepts("gzip, deflate, br, zstd", "br"));
        assert!(accepts("br;q=0.5", "br"));
        assert!(accepts("BR", "br"));
        assert!(!accepts("gzip, deflate", "br"));
        assert!(!accepts("br;q=0, gzip", "br"));
        assert!(!accepts("brotli", "br"));
        assert!(accepts("br;q=0, gzip", "gzip"));
        assert!(!accepts("gzip;q=0.0, br", "gzip"));
        assert!(!accepts("x-gzip", "gzip"));
    }

    #[test]
    fn gzip_is_chosen_when_taken_and_brotli_otherwise() {
        let choose = |values: &[&str]| {
            let mut headers = HeaderMap::new();
            for v in values {
                headers.append(header::ACCEPT_ENCODING, HeaderValue::from_str(v).unwrap());
            }
            Whole::for_request(&headers)
        };
        assert_eq!(choose(&["gzip, deflate, br, zstd"]), Some(Whole::Gzip));
        assert_eq!(choose(&["br", "gzip"]), Some(Whole::Gzip));
        assert_eq!(choose(&["br"]), Some(Whole::Brotli));
        assert_eq!(choose(&["gzip;q=0, br"]), Some(Whole::Brotli));
        assert_eq!(choose(&["deflate", "identity"]), None);
        assert_eq!(choose(&[]), None);
    }

    #[test]
    fn a_page_compressed_whole_reads_back_the_same() {
        for page in [
            String::new(),
            "<p>x</p>".to_owned(),
            "<p>plan section text</p>".repeat(3_000),
        ] {
            let compressed = brotli(page.as_bytes()).unwrap_or_default();
            let mut back = Vec::new();
            let read = brotli::Decompressor::new(&compressed[..], 4096).read_to_end(&mut back);
            assert!(read.is_ok(), "{read:?}");
            assert_eq!(back, page.as_bytes());

            let compressed = gzip(page.as_bytes()).unwrap_or_default();
            let mut back = Vec::new();
            let read = flate2::read::GzDecoder::new(&compressed[..]).read_to_end(&mut back);
            assert!(read.is_ok(), "{read:?}");
            assert_eq!(back, page.as_bytes());
        }
    }
}
