//! Bill records (resource expenditures and usage details), computed on demand: record `i` of an
//! account is a pure function of (seed, AK, i), so 100 000 records cost no memory and no start-up
//! time. Records are spread evenly over the current cycle and the 12 before it. Cycles, bill
//! days and trade times are UTC+8, as CBC counts them, and none lies after the world's "now".

use rust_decimal::Decimal;
use time::{Date, OffsetDateTime, UtcOffset};

use super::money::cents;
use super::rng::Rng;
use super::world::{Subject, World};

/// Number of billing cycles that hold records.
pub const CYCLES: usize = 13;

/// One generated bill record.
#[derive(Debug, Clone)]
pub struct Rec {
    pub cycle: String,
    pub bill_date: Date,
    pub bill_type: i64,
    pub subject: usize,
    pub official: Decimal,
    pub discount: Decimal,
    pub amount: Decimal,
    pub cash: Decimal,
    pub credit: Decimal,
    pub coupon: Decimal,
    pub bonus: Decimal,
    pub usage: Decimal,
    pub usage_measure_id: i64,
    pub unit_price: Decimal,
    pub period_type: i64,
    pub period_num: i64,
    pub trade_id: String,
    pub id: String,
    pub order_id: String,
    pub trade_time: OffsetDateTime,
}

/// A monthly summary row.
#[derive(Debug, Clone, Default)]
pub struct Sum {
    pub service_type_code: String,
    pub resource_type_code: String,
    pub charging_mode: i64,
    pub bill_type: i64,
    pub official: Decimal,
    pub discount: Decimal,
    pub consume: Decimal,
    pub coupon: Decimal,
    pub cash: Decimal,
    pub credit: Decimal,
    pub bonus: Decimal,
}

/// CBC's offset: cycles and bill days are UTC+8.
fn cbc_offset() -> UtcOffset {
    UtcOffset::from_hms(8, 0, 0).unwrap_or(UtcOffset::UTC)
}

/// The (year, month) of cycle `k` (0 = oldest, 12 = the UTC+8 month of `now`).
pub fn cycle_of(now: OffsetDateTime, k: usize) -> (i32, u8) {
    let now = now.to_offset(cbc_offset());
    let total =
        now.year() * 12 + i32::from(u8::from(now.month())) - 1 - (CYCLES as i32 - 1) + k as i32;
    (total.div_euclid(12), (total.rem_euclid(12) + 1) as u8)
}

/// The cycle index of a `YYYY-MM` cycle, if it holds records.
pub fn cycle_index(now: OffsetDateTime, y: i32, m: u8) -> Option<usize> {
    (0..CYCLES).find(|k| cycle_of(now, *k) == (y, m))
}

/// Record index range of cycle `k`.
pub fn range_of(total: usize, k: usize) -> std::ops::Range<usize> {
    (k * total / CYCLES)..((k + 1) * total / CYCLES)
}

/// Computes record `i` of the world.
pub fn record(w: &World, i: usize) -> Rec {
    let mut r = Rng::at(w.seed, &w.ak, "bill-record", i as u64);
    let k = (0..CYCLES)
        .find(|k| range_of(w.bill_records, *k).contains(&i))
        .unwrap_or(CYCLES - 1);
    let (y, m) = cycle_of(w.created, k);
    let local_now = w.created.to_offset(cbc_offset());
    let month = time::Month::try_from(m).unwrap_or(time::Month::January);
    let mut last_day = month.length(y);
    if k == CYCLES - 1 {
        last_day = last_day.min(local_now.day());
    }
    let day = r.range(1, i64::from(last_day)) as u8;
    let bill_date = Date::from_calendar_date(y, month, day).unwrap_or(local_now.date());
    let si = r.index(w.subjects.len());
    let s: &Subject = &w.subjects[si];
    let (bill_type, period_type, period_num, official, usage, usage_measure_id) =
        if s.charge_mode == 1 {
            let bt = *r.pick(&[1, 2, 2, 8, 8, 8, 3, 4]);
            let n = r.range(1, 3);
            let mut off = s.monthly * Decimal::from(n);
            if bt == 4 {
                off = -cents(off * Decimal::new(r.range(10, 90), 2));
            }
            (bt, 20, n, off, Decimal::from(n), 21)
        } else {
            let bt = if r.chance(70) { 12 } else { 5 };
            let hours = Decimal::from(r.range(1, 24));
            let off = cents(s.monthly * hours / Decimal::from(730));
            (bt, 25, 1, off, hours, 4)
        };
    let amount = cents(official * w.discount_ratio);
    let discount = official - amount;
    let (mut coupon, mut credit, mut bonus) = (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
    if amount > Decimal::ZERO {
        if r.chance(10) {
            coupon = cents(amount * Decimal::new(r.range(10, 50), 2));
        }
        if r.chance(15) {
            credit = cents((amount - coupon) * Decimal::new(r.range(20, 100), 2));
        }
        if r.chance(5) {
            bonus = cents((amount - coupon - credit) * Decimal::new(r.range(10, 100), 2));
        }
    }
    let cash = amount - coupon - credit - bonus;
    let unit_price = if usage.is_zero() {
        Decimal::ZERO
    } else {
        (official / usage).round_dp(6)
    };
    // A minute of the bill day (UTC+8); on today's date, one that has already passed.
    let mut minute = r.range(0, 23) * 60 + r.range(0, 59);
    if bill_date == local_now.date() {
        let passed = i64::from(local_now.hour()) * 60 + i64::from(local_now.minute());
        minute %= passed + 1;
    }
    let trade_time = bill_date
        .with_hms((minute / 60) as u8, (minute % 60) as u8, 0)
        .unwrap_or(bill_date.midnight())
        .assume_offset(cbc_offset())
        .to_offset(UtcOffset::UTC);
    Rec {
        cycle: super::money::cycle(y, m),
        bill_date,
        bill_type,
        subject: si,
        official,
        discount,
        amount,
        cash,
        credit,
        coupon,
        bonus,
        usage,
        usage_measure_id,
        unit_price,
        period_type,
        period_num,
        trade_id: format!("CS{}", r.upper(15)),
        id: r.hex(32),
        order_id: if s.charge_mode == 1 {
            format!("CS{}", r.upper(15))
        } else {
            String::new()
        },
        trade_time,
    }
}

/// Monthly sums of one cycle, grouped by service, resource type, charge mode and
/// consumption/refund, computed from the cycle's records and cached.
pub fn monthly_sums(w: &World, k: usize) -> std::sync::Arc<Vec<Sum>> {
    let key = k.to_string();
    if let Ok(cache) = w.monthly_cache.lock()
        && let Some(v) = cache.get(&key)
    {
        return v.clone();
    }
    let mut groups: Vec<Sum> = Vec::new();
    let mut index: std::collections::HashMap<(String, String, i64, i64), usize> =
        std::collections::HashMap::new();
    for i in range_of(w.bill_records, k) {
        let rec = record(w, i);
        let s = &w.subjects[rec.subject];
        let bt = if rec.bill_type == 4 { 2 } else { 1 };
        let key = (
            s.service_type_code.clone(),
            s.resource_type_code.clone(),
            s.charge_mode,
            bt,
        );
        let gi = *index.entry(key).or_insert_with(|| {
            groups.push(Sum {
                service_type_code: s.service_type_code.clone(),
                resource_type_code: s.resource_type_code.clone(),
                charging_mode: s.charge_mode,
                bill_type: bt,
                ..Sum::default()
            });
            groups.len() - 1
        });
        let g = &mut groups[gi];
        g.official += rec.official;
        g.discount += rec.discount;
        g.consume += rec.amount;
        g.coupon += rec.coupon;
        g.cash += rec.cash;
        g.credit += rec.credit;
        g.bonus += rec.bonus;
    }
    groups.sort_by(|a, b| {
        (
            &a.service_type_code,
            &a.resource_type_code,
            a.charging_mode,
            a.bill_type,
        )
            .cmp(&(
                &b.service_type_code,
                &b.resource_type_code,
                b.charging_mode,
                b.bill_type,
            ))
    });
    let v = std::sync::Arc::new(groups);
    if let Ok(mut cache) = w.monthly_cache.lock() {
        cache.insert(key, v.clone());
    }
    v
}
