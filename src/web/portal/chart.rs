//! A stacked bar chart as server-side SVG: geometry is computed here, `_chart.html` prints it.
//!
//! No JavaScript and no inline styles (the CSP forbids them): colours are SVG presentation
//! attributes (`fill=`), each segment carries a `<title>` for hover and screen readers, and the
//! page shows the same numbers as a table.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

/// Colours of the series, in order; the last one is "Other".
const PALETTE: &[&str] = &[
    "#0b62c7", "#c7000b", "#1d7a3e", "#8a5a00", "#6a3fb5", "#00838f", "#ad1457", "#5c6577",
];
/// At most this many series; the rest are summed into "Other".
const MAX_SERIES: usize = 7;

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 300.0;
/// The narrowest left margin; it grows with the longest y-axis label.
const MIN_LEFT: f64 = 40.0;
/// A generous width of one character of the 10-unit axis font (DejaVu Sans digits are 6.4,
/// capitals up to 7.7), so the longest label fits in any likely sans-serif font.
const CHAR_W: f64 = 6.6;
/// Room between an axis label and the plot.
const LABEL_GAP: f64 = 6.0;
const RIGHT: f64 = 10.0;
const TOP: f64 = 10.0;
const BOTTOM: f64 = 40.0;

/// One stacked segment.
#[derive(Debug, Clone)]
pub struct Seg {
    pub x: String,
    pub y: String,
    pub w: String,
    pub h: String,
    pub fill: &'static str,
    pub title: String,
}

/// One axis label or grid line.
#[derive(Debug, Clone)]
pub struct Tick {
    pub x: String,
    pub y: String,
    pub label: String,
}

/// A legend entry.
#[derive(Debug, Clone)]
pub struct Legend {
    pub name: String,
    pub fill: &'static str,
}

/// The chart, ready to print.
#[derive(Debug, Clone)]
pub struct StackedChart {
    pub title: String,
    pub view_box: String,
    pub segs: Vec<Seg>,
    pub x_ticks: Vec<Tick>,
    pub y_ticks: Vec<Tick>,
    pub legend: Vec<Legend>,
    /// x1/x2 of grid lines.
    pub grid_x1: String,
    pub grid_x2: String,
    pub baseline_y: String,
    pub empty: bool,
}

fn f(v: f64) -> String {
    format!("{v:.1}")
}

/// A "nice" upper bound for the axis: 1, 2 or 5 times a power of ten.
fn nice_max(max: f64) -> f64 {
    if max <= 0.0 {
        return 1.0;
    }
    let p = 10f64.powf(max.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * p)
        .find(|v| *v >= max)
        .unwrap_or(10.0 * p)
}

/// The left margin that holds the longest of `labels` plus the gap to the plot.
fn left_margin<'a>(labels: impl Iterator<Item = &'a str>) -> f64 {
    let longest = labels.map(|l| l.chars().count()).max().unwrap_or(0);
    (longest as f64 * CHAR_W + LABEL_GAP + 4.0).max(MIN_LEFT)
}

/// Builds the chart. `columns` are (label, [(series, amount)]) in display order; amounts in
/// major units; `money` formats an amount for titles and axis labels.
pub fn stacked(
    title: &str,
    columns: &[(String, Vec<(String, Decimal)>)],
    money: impl Fn(Decimal) -> String,
) -> StackedChart {
    // Series ordered by their total, largest first; the tail becomes "Other".
    let mut totals: Vec<(String, Decimal)> = Vec::new();
    for (_, parts) in columns {
        for (name, amount) in parts {
            match totals.iter_mut().find(|(n, _)| n == name) {
                Some((_, t)) => *t += *amount,
                None => totals.push((name.clone(), *amount)),
            }
        }
    }
    totals.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let mut series: Vec<String> = totals
        .iter()
        .filter(|(_, t)| *t > Decimal::ZERO)
        .map(|(n, _)| n.clone())
        .collect();
    let other = series.len() > MAX_SERIES;
    if other {
        series.truncate(MAX_SERIES - 1);
        series.push("Other".to_owned());
    }
    let index = |name: &str| {
        series
            .iter()
            .position(|s| s == name)
            .unwrap_or(series.len().saturating_sub(1))
    };
    // Per column: amount per series (negative amounts, i.e. refunds, are not stacked).
    let stacks: Vec<Vec<Decimal>> = columns
        .iter()
        .map(|(_, parts)| {
            let mut v = vec![Decimal::ZERO; series.len()];
            for (name, amount) in parts {
                if *amount > Decimal::ZERO && !series.is_empty() {
                    v[index(name)] += *amount;
                }
            }
            v
        })
        .collect();
    let max = stacks
        .iter()
        .map(|s| s.iter().copied().sum::<Decimal>())
        .max()
        .unwrap_or_default();
    let top = nice_max(max.to_f64().unwrap_or(0.0));
    let plot_h = HEIGHT - TOP - BOTTOM;
    let scale = |v: f64| v / top * plot_h;
    // Labels first: the left margin is sized to the longest one so none is clipped.
    let y_labels: Vec<(f64, String)> = (0..=4)
        .map(|k| {
            let v = top * f64::from(k) / 4.0;
            let amount = Decimal::from_f64_retain(v).unwrap_or_default().round_dp(2);
            (v, money(amount))
        })
        .collect();
    let left = left_margin(y_labels.iter().map(|(_, l)| l.as_str()));
    let y_ticks = y_labels
        .into_iter()
        .map(|(v, label)| Tick {
            x: f(left - LABEL_GAP),
            y: f(HEIGHT - BOTTOM - scale(v)),
            label,
        })
        .collect();
    let plot_w = WIDTH - left - RIGHT;
    let slot = plot_w / columns.len().max(1) as f64;
    let bar_w = slot * 0.7;
    let mut segs = Vec::new();
    let mut x_ticks = Vec::new();
    for (i, ((label, _), stack)) in columns.iter().zip(&stacks).enumerate() {
        let x = left + slot * i as f64 + (slot - bar_w) / 2.0;
        let mut y = HEIGHT - BOTTOM;
        for (k, amount) in stack.iter().enumerate() {
            if amount.is_zero() {
                continue;
            }
            let h = scale(amount.to_f64().unwrap_or(0.0));
            y -= h;
            segs.push(Seg {
                x: f(x),
                y: f(y),
                w: f(bar_w),
                h: f(h.max(0.5)),
                fill: PALETTE[k.min(PALETTE.len() - 1)],
                title: format!("{label}, {}: {}", series[k], money(*amount)),
            });
        }
        x_ticks.push(Tick {
            x: f(x + bar_w / 2.0),
            y: f(HEIGHT - BOTTOM + 16.0),
            label: label.clone(),
        });
    }
    StackedChart {
        title: title.to_owned(),
        view_box: format!("0 0 {WIDTH} {HEIGHT}"),
        legend: series
            .iter()
            .enumerate()
            .map(|(k, name)| Legend {
                name: name.clone(),
                fill: PALETTE[k.min(PALETTE.len() - 1)],
            })
            .collect(),
        segs,
        x_ticks,
        y_ticks,
        grid_x1: f(left),
        grid_x2: f(WIDTH - RIGHT),
        baseline_y: f(HEIGHT - BOTTOM),
        empty: max.is_zero(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_stack_and_scale_to_the_axis() {
        let cols = vec![
            (
                "Jan".to_owned(),
                vec![
                    ("ECS".to_owned(), Decimal::from(60)),
                    ("EVS".to_owned(), Decimal::from(20)),
                ],
            ),
            (
                "Feb".to_owned(),
                vec![("ECS".to_owned(), Decimal::from(100))],
            ),
        ];
        let c = stacked("Spend", &cols, |d| format!("USD {d}"));
        assert_eq!(c.segs.len(), 3);
        assert_eq!(c.legend.len(), 2);
        assert_eq!(c.legend[0].name, "ECS", "largest series first");
        // Axis top is 100: Feb's single bar fills the plot height (300 - 10 - 40).
        let feb = &c.segs[2];
        assert_eq!(feb.h, "250.0");
        assert_eq!(feb.y, "10.0");
        assert!(feb.title.contains("Feb, ECS: USD 100"));
        assert!(!c.empty);
        assert_eq!(nice_max(130.0), 200.0);
    }

    fn num(s: &str) -> f64 {
        s.parse().expect("a number")
    }

    #[test]
    fn the_left_margin_holds_the_longest_axis_label() {
        let cols = |amount: i64| {
            vec![(
                "Jan".to_owned(),
                vec![("ECS".to_owned(), Decimal::from(amount))],
            )]
        };
        let money = |d: Decimal| format!("USD {}", crate::web::format::amount_2dp(d));
        let small = stacked("Spend", &cols(9), money);
        let big = stacked("Spend", &cols(90_000), money);
        let top = big
            .y_ticks
            .last()
            .map(|t| t.label.clone())
            .unwrap_or_default();
        assert_eq!(top, "USD 100,000.00");
        for c in [&small, &big] {
            let grid = num(&c.grid_x1);
            for t in &c.y_ticks {
                // Right-aligned at t.x: the label's estimated width must start inside the SVG.
                let x = num(&t.x);
                let width = t.label.chars().count() as f64 * CHAR_W;
                assert!(x - width >= 0.0, "{} clipped at x={x}", t.label);
                assert!(x < grid, "label overlaps the plot");
            }
            let first = num(&c.segs[0].x);
            assert!(first >= grid, "bars start right of the axis");
        }
        let (s, b) = (num(&small.grid_x1), num(&big.grid_x1));
        assert!(b > s, "longer labels get a wider margin ({s} vs {b})");
    }

    #[test]
    fn many_series_fold_into_other() {
        let parts: Vec<(String, Decimal)> = (0..12)
            .map(|i| (format!("S{i}"), Decimal::from(i + 1)))
            .collect();
        let c = stacked("Spend", &[("Jan".to_owned(), parts)], |d| d.to_string());
        assert_eq!(c.legend.len(), MAX_SERIES);
        assert_eq!(c.legend.last().map(|l| l.name.as_str()), Some("Other"));
    }
}
