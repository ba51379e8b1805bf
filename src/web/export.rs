//! CSV exports, streamed: rows are written as they are read, page by page, so memory stays
//! bounded whatever the size. Text cells that a spreadsheet would run as a formula are
//! neutralised; money columns are typed decimals and written as they are.
//!
//! Every export goes through [`csv_response`]: a header row, then the pages of one paged
//! source (an upstream list by offset, the audit trail by keyset, or rows already in hand),
//! as a body stream that ends once and stays ended. The response layers (gzip compression
//! among them) may poll a body again after its end; the stream answers "ended" again.

use std::borrow::Cow;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::{Body, Bytes};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use futures_util::Stream;
use futures_util::stream::FusedStream;
use rust_decimal::Decimal;

use crate::error::{AppError, AppResult};

/// One CSV cell.
#[derive(Debug, Clone)]
pub enum Cell {
    /// Free text (names, ids, remarks): neutralised against formula injection.
    Text(String),
    /// A money amount or other number: written as a plain decimal, sign kept.
    Money(Decimal),
    /// An integer count.
    Int(i64),
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_owned())
    }
}

impl From<Option<String>> for Cell {
    fn from(s: Option<String>) -> Self {
        Cell::Text(s.unwrap_or_default())
    }
}

/// Prefixes `'` to text a spreadsheet would evaluate: a tab, CR or NUL first, or `= + - @` as
/// the first character after any leading whitespace or control characters (spreadsheets skip
/// those, so ` =1+1` or a line break before `=` is still a formula).
pub fn neutralise(s: &str) -> Cow<'_, str> {
    let visible = s.trim_start_matches(|c: char| c.is_whitespace() || c.is_control());
    let risky = matches!(s.chars().next(), Some('\t' | '\r' | '\0'))
        || matches!(visible.chars().next(), Some('=' | '+' | '-' | '@'));
    if risky {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

fn render(cell: &Cell) -> Cow<'_, str> {
    match cell {
        Cell::Text(s) => neutralise(s),
        Cell::Money(d) => Cow::Owned(crate::web::format::decimal_plain(*d)),
        Cell::Int(i) => Cow::Owned(i.to_string()),
    }
}

/// Encodes one row as CSV bytes.
pub fn encode_row(cells: &[Cell]) -> Result<Vec<u8>, AppError> {
    let mut out = Vec::with_capacity(128);
    encode_into(&mut out, cells)?;
    Ok(out)
}

fn encode_into(out: &mut Vec<u8>, cells: &[Cell]) -> Result<(), AppError> {
    let mut w = csv::WriterBuilder::new().from_writer(out);
    w.write_record(cells.iter().map(|c| render(c).into_owned()))
        .map_err(|e| AppError::Internal(anyhow::Error::new(e).context("writing CSV")))?;
    w.flush()
        .map_err(|e| AppError::Internal(anyhow::Error::new(e).context("flushing CSV")))
}

fn encode_rows(rows: &[Vec<Cell>]) -> Result<Vec<u8>, AppError> {
    let mut out = Vec::with_capacity(rows.len() * 96);
    for row in rows {
        encode_into(&mut out, row)?;
    }
    Ok(out)
}

/// One page of an export: its rows, and where the next page starts (`None`: this was the last).
#[derive(Debug)]
pub struct Page<C> {
    pub rows: Vec<Vec<Cell>>,
    pub next: Option<C>,
}

impl<C> Page<C> {
    /// The last page.
    pub fn last(rows: Vec<Vec<Cell>>) -> Self {
        Page { rows, next: None }
    }
}

/// Offset paging over an upstream list: after `got` rows at `offset` (pages of `limit`, the
/// list `total` long if upstream says), where the next page starts. A short or empty page
/// ends the list, so a wrong total cannot make an export run on.
pub fn next_offset(offset: i64, limit: i64, got: usize, total: Option<i64>) -> Option<i64> {
    let next = offset + got as i64;
    let more = got > 0 && (got as i64) >= limit && total.is_none_or(|t| next < t);
    more.then_some(next)
}

/// A streamed CSV download of rows read page by page: `fetch(cursor)` reads the page at
/// `cursor`, starting at `start`. The first page is read before answering, so a failure there
/// is an error page rather than a file that stops; a failure later ends the file early (and is
/// logged). An export that matches nothing is its header row alone.
pub async fn csv_response<C, F, Fut>(
    filename: &str,
    header_row: &[&str],
    start: C,
    mut fetch: F,
) -> AppResult<Response>
where
    C: Send + Unpin + 'static,
    F: FnMut(C) -> Fut + Send + 'static,
    Fut: Future<Output = AppResult<Page<C>>> + Send + 'static,
{
    let first = fetch(start).await?;
    let head: Vec<Cell> = header_row
        .iter()
        .map(|h| Cell::Text((*h).to_owned()))
        .collect();
    let mut opening = encode_row(&head)?;
    opening.extend_from_slice(&encode_rows(&first.rows)?);
    let body = CsvBody {
        fetch: Box::new(fetch),
        ready: Some(Bytes::from(opening)),
        next: first.next,
        pending: None,
    };
    let safe_name: String = filename
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || "-_.".contains(*c))
        .collect();
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{safe_name}\""),
            ),
        ],
        Body::from_stream(body),
    )
        .into_response())
}

/// One upstream page: its rows, how many rows upstream sent, and the upstream total.
pub type UpstreamPage = (Vec<Vec<Cell>>, usize, Option<i64>);

/// Offset-paged export of an upstream list: `fetch(offset, limit)` returns the page's rows
/// (possibly filtered here), how many rows upstream sent, and the upstream total. Pages go
/// fresh to CBC (not through the read cache), so a large export does not fill the cache.
pub async fn paged_csv<F, Fut>(
    filename: &str,
    header_row: &[&str],
    limit: i64,
    mut fetch: F,
) -> AppResult<Response>
where
    F: FnMut(i64, i64) -> Fut + Send + 'static,
    Fut: Future<Output = AppResult<UpstreamPage>> + Send + 'static,
{
    csv_response(filename, header_row, 0i64, move |offset| {
        let page = fetch(offset, limit);
        async move {
            let (rows, got, total) = page.await?;
            Ok(Page {
                rows,
                next: next_offset(offset, limit, got, total),
            })
        }
    })
    .await
}

/// Rows already in hand (a list read whole and grouped here), as a download.
pub async fn rows_csv(
    filename: &str,
    header_row: &[&str],
    rows: Vec<Vec<Cell>>,
) -> AppResult<Response> {
    let mut rows = Some(rows);
    csv_response(filename, header_row, (), move |()| {
        std::future::ready(Ok(Page::last(rows.take().unwrap_or_default())))
    })
    .await
}

type PageFuture<C> = Pin<Box<dyn Future<Output = AppResult<Page<C>>> + Send>>;

/// The body of a download: the opening bytes, then one chunk per further page. Once it has
/// answered `None` it has nothing left to poll and answers `None` again, so a layer that polls
/// past the end (as compression does, looking for trailers) gets the end again.
struct CsvBody<C, F> {
    /// Boxed, like the page future, so the body is `Unpin` whatever the closure holds.
    fetch: Box<F>,
    /// Bytes to send before reading on (the header row and the first page).
    ready: Option<Bytes>,
    /// Where the next page starts, if there is one.
    next: Option<C>,
    /// The page being read.
    pending: Option<PageFuture<C>>,
}

impl<C, F, Fut> Stream for CsvBody<C, F>
where
    C: Send + Unpin + 'static,
    F: FnMut(C) -> Fut + Send + 'static,
    Fut: Future<Output = AppResult<Page<C>>> + Send + 'static,
{
    type Item = Result<Bytes, std::io::Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if let Some(bytes) = this.ready.take() {
            return Poll::Ready(Some(Ok(bytes)));
        }
        loop {
            if let Some(pending) = this.pending.as_mut() {
                let page = match pending.as_mut().poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(page) => page,
                };
                this.pending = None;
                match page.and_then(|p| Ok((encode_rows(&p.rows)?, p.next))) {
                    Ok((bytes, next)) => {
                        this.next = next;
                        if !bytes.is_empty() {
                            return Poll::Ready(Some(Ok(Bytes::from(bytes))));
                        }
                    }
                    Err(e) => {
                        this.next = None;
                        tracing::error!(error = %e, "CSV export stopped part-way");
                        return Poll::Ready(Some(Err(std::io::Error::other("export failed"))));
                    }
                }
            }
            match this.next.take() {
                Some(cursor) => this.pending = Some(Box::pin((this.fetch)(cursor))),
                None => return Poll::Ready(None),
            }
        }
    }
}

impl<C, F, Fut> FusedStream for CsvBody<C, F>
where
    C: Send + Unpin + 'static,
    F: FnMut(C) -> Fut + Send + 'static,
    Fut: Future<Output = AppResult<Page<C>>> + Send + 'static,
{
    fn is_terminated(&self) -> bool {
        self.ready.is_none() && self.next.is_none() && self.pending.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;
    use std::sync::{Arc, Mutex};

    #[test]
    fn formulas_are_neutralised_but_money_is_not() {
        let row = vec![
            Cell::Text("=HYPERLINK(\"http://x\")".into()),
            Cell::Text("+1".into()),
            Cell::Text("-2".into()),
            Cell::Text("@SUM(A1)".into()),
            Cell::Text("\tx".into()),
            Cell::Text("plain".into()),
            Cell::Money(Decimal::from_str("-12.3").expect("dec")),
        ];
        let line = String::from_utf8(encode_row(&row).expect("csv")).expect("utf8");
        assert_eq!(
            line,
            "\"'=HYPERLINK(\"\"http://x\"\")\",'+1,'-2,'@SUM(A1),'\tx,plain,-12.30\n"
        );
    }

    #[test]
    fn whitespace_before_a_formula_does_not_hide_it() {
        for s in [
            " =1+1", "\n=1+1", "\r\n@A1", " \t -1", "\u{a0}+1", "\u{1}=1",
        ] {
            assert_eq!(neutralise(s), format!("'{s}"), "{s:?}");
        }
        for s in ["", " ", "a=b", " plain", "1-2", "\nline"] {
            assert_eq!(neutralise(s), s, "{s:?}");
        }
    }

    /// Pages of `limit` over `total` numbered rows; records the offsets asked for.
    fn numbered(
        total: i64,
        calls: Arc<Mutex<Vec<i64>>>,
    ) -> impl FnMut(i64, i64) -> std::future::Ready<AppResult<UpstreamPage>> + Send + 'static {
        move |offset, limit| {
            calls.lock().expect("lock").push(offset);
            let n = (total - offset).clamp(0, limit);
            std::future::ready(Ok((
                (0..n).map(|i| vec![Cell::Int(offset + i)]).collect(),
                n as usize,
                Some(total),
            )))
        }
    }

    fn expected(total: i64) -> String {
        std::iter::once("n\n".to_owned())
            .chain((0..total).map(|i| format!("{i}\n")))
            .collect()
    }

    #[tokio::test]
    async fn paging_stops_at_the_total_and_at_a_short_page() {
        let calls = Arc::new(Mutex::new(Vec::new()));
        let res = paged_csv("x.csv", &["n"], 10, numbered(25, calls.clone()))
            .await
            .expect("response");
        let body = axum::body::to_bytes(res.into_body(), 1 << 20)
            .await
            .expect("body");
        assert_eq!(body, expected(25).as_bytes());
        assert_eq!(*calls.lock().expect("lock"), vec![0, 10, 20]);
        assert_eq!(next_offset(0, 10, 10, None), Some(10));
        assert_eq!(next_offset(10, 10, 7, None), None);
        assert_eq!(next_offset(10, 10, 10, Some(20)), None);
        assert_eq!(next_offset(0, 10, 0, Some(99)), None);
    }

    #[tokio::test]
    async fn the_body_answers_its_end_again_when_polled_past_it() {
        use futures_util::StreamExt as _;
        let mut body = CsvBody {
            fetch: Box::new(|n: u8| {
                std::future::ready(Ok(Page {
                    rows: vec![vec![Cell::Int(n.into())]],
                    next: (n < 2).then_some(n + 1),
                }))
            }),
            ready: Some(Bytes::from_static(b"n\n")),
            next: Some(1),
            pending: None,
        };
        let mut chunks = Vec::new();
        while let Some(chunk) = body.next().await {
            chunks.push(chunk.expect("chunk"));
        }
        assert_eq!(chunks, vec!["n\n", "1\n", "2\n"]);
        assert!(body.is_terminated());
        for _ in 0..3 {
            assert!(body.next().await.is_none());
        }
    }

    #[tokio::test]
    async fn a_paged_export_arrives_whole_through_gzip_compression() {
        use std::io::Read as _;
        use tower::{Layer as _, ServiceExt as _};
        // 25 rows in pages of 10, as the app serves them: behind CompressionLayer.
        let res = paged_csv("x.csv", &["n"], 10, numbered(25, Arc::default()))
            .await
            .expect("response");
        let mut res = Some(res);
        let svc = tower_http::compression::CompressionLayer::new().layer(tower::service_fn(
            move |_req: axum::http::Request<Body>| {
                let res = res.take().expect("one request");
                async move { Ok::<_, std::convert::Infallible>(res) }
            },
        ));
        let req = axum::http::Request::get("/x.csv")
            .header(header::ACCEPT_ENCODING, "gzip")
            .body(Body::empty())
            .expect("request");
        let res = svc.oneshot(req).await.expect("response");
        assert_eq!(res.headers()[header::CONTENT_ENCODING], "gzip");
        let gz = axum::body::to_bytes(Body::new(res.into_body()), 1 << 20)
            .await
            .expect("the compressed body ends cleanly");
        let mut text = String::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_string(&mut text)
            .expect("a whole gzip stream");
        assert_eq!(text, expected(25));
    }

    #[tokio::test]
    async fn exported_text_that_looks_like_a_formula_is_neutralised() {
        let res = paged_csv(
            "x.csv",
            &["name", "amount"],
            2,
            |offset, _limit| async move {
                let rows = if offset == 0 {
                    vec![
                        vec![
                            Cell::Text("=HYPERLINK(\"http://evil\")".into()),
                            Cell::Money(Decimal::new(-1250, 2)),
                        ],
                        vec![
                            Cell::Text("@SUM(A1)".into()),
                            Cell::Money(Decimal::new(5, 0)),
                        ],
                    ]
                } else {
                    vec![vec![
                        Cell::Text("ecs-01".into()),
                        Cell::Money(Decimal::new(123456, 3)),
                    ]]
                };
                let n = rows.len();
                Ok((rows, n, Some(3)))
            },
        )
        .await
        .expect("response");
        let body = axum::body::to_bytes(res.into_body(), 1 << 20)
            .await
            .expect("body");
        let text = String::from_utf8(body.to_vec()).expect("utf8");
        assert_eq!(
            text,
            "name,amount\n\"'=HYPERLINK(\"\"http://evil\"\")\",-12.50\n'@SUM(A1),5.00\necs-01,123.46\n"
        );
    }

    #[tokio::test]
    async fn a_failing_first_page_is_an_error_not_a_file() {
        let res = paged_csv("x.csv", &["n"], 10, |_, _| async {
            Err::<UpstreamPage, _>(AppError::BadRequest("no".into()))
        })
        .await;
        assert!(res.is_err());
    }
}
