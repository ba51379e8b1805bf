//! CSV exports, streamed: rows are written as they are fetched, page by page, so memory stays
//! bounded whatever the size. Text cells that a spreadsheet would run as a formula are
//! neutralised; money columns are typed decimals and written as they are.

use std::borrow::Cow;

use axum::body::{Body, Bytes};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use futures_util::{Stream, StreamExt};
use rust_decimal::Decimal;

use crate::error::AppError;

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

/// Prefixes `'` to text a spreadsheet would evaluate (`= + - @`, tab, CR, NUL first).
pub fn neutralise(s: &str) -> Cow<'_, str> {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r' | '\0') => Cow::Owned(format!("'{s}")),
        _ => Cow::Borrowed(s),
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
    let mut w = csv::WriterBuilder::new().from_writer(Vec::with_capacity(128));
    w.write_record(cells.iter().map(|c| render(c).into_owned()))
        .map_err(|e| AppError::Internal(anyhow::Error::new(e).context("writing CSV")))?;
    w.into_inner()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("flushing CSV: {e}")))
}

/// A streamed CSV download. `rows` yields batches of rows (e.g. one upstream page each); an
/// error part-way ends the stream (the client sees a truncated download, and it is logged).
pub fn csv_response<S>(filename: &str, header_row: &[&str], rows: S) -> Response
where
    S: Stream<Item = Result<Vec<Vec<Cell>>, AppError>> + Send + 'static,
{
    let head: Vec<Cell> = header_row
        .iter()
        .map(|h| Cell::Text((*h).to_owned()))
        .collect();
    let first = futures_util::stream::once(async move { encode_row(&head).map(Bytes::from) });
    let body = rows.map(|batch| {
        let batch = batch?;
        let mut out = Vec::with_capacity(batch.len() * 96);
        for row in &batch {
            out.extend_from_slice(&encode_row(row)?);
        }
        Ok::<_, AppError>(Bytes::from(out))
    });
    let stream = first.chain(body).map(|r| {
        r.map_err(|e| {
            tracing::error!(error = %e, "CSV export stopped part-way");
            std::io::Error::other("export failed")
        })
    });
    let safe_name: String = filename
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || "-_.".contains(*c))
        .collect();
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{safe_name}\""),
            ),
        ],
        Body::from_stream(stream),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

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
}

#[cfg(test)]
mod gzip_tests {
    use super::*;
    use crate::web::portal::view::paged_rows;
    use std::io::Read as _;
    use tower::{Layer as _, ServiceExt as _};

    #[tokio::test]
    async fn a_paged_export_arrives_whole_through_gzip_compression() {
        // 25 rows in pages of 10, as the app serves them: behind CompressionLayer.
        let rows = paged_rows(10, |offset, limit| async move {
            let n = (25 - offset).clamp(0, limit);
            Ok((
                (0..n).map(|i| vec![Cell::Int(offset + i)]).collect(),
                n as usize,
                Some(25),
            ))
        });
        let res = csv_response("x.csv", &["n"], rows);
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
        let expected: String = std::iter::once("n\n".to_owned())
            .chain((0..25).map(|i| format!("{i}\n")))
            .collect();
        assert_eq!(text, expected);
    }
}
