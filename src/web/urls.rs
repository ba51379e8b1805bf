//! Paths the portal serves, in one place, and the check for `next=` targets.

pub const LOGIN: &str = "/login";
pub const LOGOUT: &str = "/logout";
pub const SETUP: &str = "/setup";
pub const DASHBOARD: &str = "/";
pub const ADMIN: &str = "/admin";
pub const ADMIN_USERS: &str = "/admin/users";
pub const ADMIN_ACCOUNTS: &str = "/admin/accounts";
pub const ADMIN_AUDIT: &str = "/admin/audit";

/// `/admin/users/{id}`.
pub fn admin_user(id: uuid::Uuid) -> String {
    format!("{ADMIN_USERS}/{id}")
}

/// `/admin/accounts/{id}`.
pub fn admin_account(id: uuid::Uuid) -> String {
    format!("{ADMIN_ACCOUNTS}/{id}")
}

/// Whether `next` is a same-origin relative path we may redirect to after login.
pub fn is_safe_next(next: &str) -> bool {
    next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.contains("://")
        && next.len() <= 512
        && next.chars().all(|c| !c.is_control() && c != '\\')
}

/// `next` if it is a safe same-origin path, else empty.
pub fn safe_next(next: Option<String>) -> String {
    next.filter(|n| is_safe_next(n)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::is_safe_next;

    #[test]
    fn only_relative_same_origin_paths_are_safe() {
        assert!(is_safe_next("/bills?cycle=2026-10"));
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil",
            "evil",
            "/x\r\nLocation: y",
            "/a?u=http://x",
        ] {
            assert!(!is_safe_next(bad), "{bad}");
        }
    }
}
