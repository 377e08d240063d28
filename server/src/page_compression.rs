//! Pages compressed whole with brotli, for browsers that accept it.
//!
//! The general compression layer (tower-http's) compresses a page as it streams, with brotli's
//! default 4 MiB window: for a section page of about 30 KB that cost more CPU than rendering
//! the page (0.68 ms against 0.86 ms in `scripts/bench`), most of it setting up tables for a
//! window a hundred times the page and flushing once per chunk of the stream. Here a page is
//! read whole (pages are rendered whole anyway) and compressed in one pass with a window
//! sized to it. Anything else, a page too large to hold, and browsers that accept only gzip
//! are left to the general layer, which skips what already carries a `Content-Encoding`.

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use futures_util::StreamExt;
use http::header::{self, HeaderValue};
use http::StatusCode;

/// Pages larger than this are streamed to the general layer rather than held and compressed
/// here (none of the app's pages comes near it; the page cache keeps at most 2 MiB a page).
const MAX_WHOLE_BYTES: usize = 2 * 1024 * 1024;

/// Pages up to this size are compressed on the async worker that rendered them.
const INLINE_BYTES: usize = 256 * 1024;

/// Brotli quality 4, as the general layer uses: about what gzip 6 costs, and smaller.
const QUALITY: i32 = 4;

/// Middleware: compresses HTML pages whole with brotli when the browser accepts it.
pub async fn compress(req: Request, next: Next) -> Response {
    let accepts_brotli = req
        .headers()
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(accepts_br);
    let res = next.run(req).await;
    let html = crate::page_cache::is_html(&res);
    if !accepts_brotli
        || !html
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
    // A section page takes about 0.3 ms; a page far larger than any the app makes would hold
    // an async worker for milliseconds, so that one goes to the blocking pool.
    let page = Bytes::from(page);
    let compressed = if page.len() <= INLINE_BYTES {
        brotli(&page)
    } else {
        let job = page.clone();
        tokio::task::spawn_blocking(move || brotli(&job))
            .await
            .ok()
            .flatten()
    };
    let Some(compressed) = compressed else {
        return Response::from_parts(parts, Body::from(page));
    };
    parts
        .headers
        .insert(header::CONTENT_ENCODING, HeaderValue::from_static("br"));
    parts.headers.append(
        header::VARY,
        HeaderValue::from_static(header::ACCEPT_ENCODING.as_str()),
    );
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.remove(header::ACCEPT_RANGES);
    Response::from_parts(parts, Body::from(compressed))
}

/// Whether an `Accept-Encoding` value accepts brotli (listed, and not with `q=0`).
fn accepts_br(value: &str) -> bool {
    value.split(',').any(|coding| {
        let mut fields = coding.split(';').map(str::trim);
        let name = fields.next().unwrap_or_default();
        let refused = fields.any(|f| {
            f.strip_prefix("q=")
                .and_then(|q| q.trim().parse::<f32>().ok())
                .is_some_and(|q| q <= 0.0)
        });
        name.eq_ignore_ascii_case("br") && !refused
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn brotli_is_accepted_unless_refused() {
        assert!(accepts_br("gzip, deflate, br, zstd"));
        assert!(accepts_br("br;q=0.5"));
        assert!(accepts_br("BR"));
        assert!(!accepts_br("gzip, deflate"));
        assert!(!accepts_br("br;q=0, gzip"));
        assert!(!accepts_br("brotli"));
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
        }
    }
}
