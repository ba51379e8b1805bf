//! Pagination and query-string helpers shared by list pages.

/// One page of a list.
#[derive(Debug, Clone)]
pub struct Pager {
    /// 1-based page number.
    pub page: u64,
    pub per_page: u64,
    pub total: u64,
    /// The current query string without `page`, to build links that keep every filter.
    pub base_query: String,
    pub path: String,
}

impl Pager {
    pub fn new(
        path: &str,
        page: u64,
        per_page: u64,
        total: u64,
        filters: &[(&str, String)],
    ) -> Self {
        let base_query = serde_urlencoded::to_string(
            filters
                .iter()
                .filter(|(k, v)| *k != "page" && !v.is_empty())
                .collect::<Vec<_>>(),
        )
        .unwrap_or_default();
        Self {
            page: page.max(1),
            per_page: per_page.max(1),
            total,
            base_query,
            path: path.to_owned(),
        }
    }

    /// Zero-based record offset of this page (CBC's `offset`).
    pub fn offset(&self) -> u64 {
        (self.page - 1) * self.per_page
    }

    pub fn pages(&self) -> u64 {
        self.total.div_ceil(self.per_page).max(1)
    }

    pub fn has_prev(&self) -> bool {
        self.page > 1
    }

    pub fn has_next(&self) -> bool {
        self.page < self.pages()
    }

    fn link(&self, page: u64) -> String {
        let sep = if self.base_query.is_empty() { "" } else { "&" };
        format!("{}?{}{sep}page={page}", self.path, self.base_query)
    }

    pub fn prev_url(&self) -> String {
        self.link(self.page.saturating_sub(1).max(1))
    }

    pub fn next_url(&self) -> String {
        self.link(self.page + 1)
    }

    /// The same filters, as a query string (for export links).
    pub fn query(&self) -> &str {
        &self.base_query
    }
}

/// Parses `?page=`: a whole number from 1 to 100000; empty means 1.
pub fn parse_page(raw: Option<&str>) -> Result<u64, &'static str> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(1),
        Some(s) => match s.parse::<u64>() {
            Ok(n) if (1..=100_000).contains(&n) => Ok(n),
            _ => Err("Page must be a whole number from 1."),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_keep_filters_and_offsets_follow_pages() {
        let p = Pager::new(
            "/orders",
            3,
            20,
            95,
            &[
                ("status", "6".into()),
                ("page", "3".into()),
                ("q", String::new()),
            ],
        );
        assert_eq!(p.offset(), 40);
        assert_eq!(p.pages(), 5);
        assert_eq!(p.next_url(), "/orders?status=6&page=4");
        assert_eq!(p.prev_url(), "/orders?status=6&page=2");
        assert!(parse_page(Some("0")).is_err());
        assert!(parse_page(Some("1 OR 1=1")).is_err());
        assert_eq!(parse_page(None), Ok(1));
    }
}
