//! CBC amounts to major currency units: the one place `measure_id` is interpreted.
//!
//! CBC sends each amount with a `measure_id` next to it: 1 = the main unit (euro, dollar, yuan),
//! 2 = a tenth of it, 3 = a hundredth. Everything that shows or compares money converts through
//! [`to_major_units`] (or [`Measured::major`]) so the rule lives in one place.

use rust_decimal::Decimal;

/// The unit an amount is expressed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AmountUnit {
    /// `measure_id` 1: the main currency unit.
    Major,
    /// `measure_id` 2: one tenth of the main unit.
    Tenth,
    /// `measure_id` 3: one hundredth of the main unit.
    Hundredth,
}

impl AmountUnit {
    /// The unit for a CBC `measure_id`, or `None` for ids that are not currency units.
    pub fn from_measure_id(measure_id: i64) -> Option<Self> {
        match measure_id {
            1 => Some(Self::Major),
            2 => Some(Self::Tenth),
            3 => Some(Self::Hundredth),
            _ => None,
        }
    }

    /// Converts an amount in this unit to major units, exactly.
    pub fn to_major(self, amount: Decimal) -> Decimal {
        match self {
            Self::Major => amount,
            Self::Tenth => amount / Decimal::TEN,
            Self::Hundredth => amount / Decimal::ONE_HUNDRED,
        }
    }
}

/// A `measure_id` that is not a currency unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("measure id {0} is not a currency unit")]
pub struct UnknownMeasure(pub i64);

/// Converts a CBC amount to major currency units.
///
/// A missing `measure_id` means the main unit: CBC omits it only where amounts are already in
/// the main unit. An id other than 1, 2 or 3 is an error rather than a guess.
pub fn to_major_units(amount: Decimal, measure_id: Option<i64>) -> Result<Decimal, UnknownMeasure> {
    let id = measure_id.unwrap_or(1);
    AmountUnit::from_measure_id(id)
        .map(|unit| unit.to_major(amount))
        .ok_or(UnknownMeasure(id))
}

/// A response item that carries `measure_id` (and maybe `currency`) for its amounts.
pub trait Measured {
    /// The item's `measure_id`, if sent.
    fn measure_id(&self) -> Option<i64>;
    /// The item's `currency`, if this item carries one (some carry it one level up).
    fn currency(&self) -> Option<&str>;
    /// One of this item's amounts in major units; `None` if the amount is absent or the
    /// `measure_id` is not a currency unit.
    fn major(&self, amount: Option<Decimal>) -> Option<Decimal> {
        amount.and_then(|a| to_major_units(a, self.measure_id()).ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).expect("decimal")
    }

    #[test]
    fn measure_ids_convert_to_major_units_exactly() {
        assert_eq!(to_major_units(d("1523.45"), Some(1)), Ok(d("1523.45")));
        assert_eq!(to_major_units(d("15234.5"), Some(2)), Ok(d("1523.45")));
        assert_eq!(to_major_units(d("152345"), Some(3)), Ok(d("1523.45")));
        assert_eq!(to_major_units(d("-1"), Some(3)), Ok(d("-0.01")));
        assert_eq!(to_major_units(d("7"), None), Ok(d("7")));
        assert_eq!(to_major_units(d("7"), Some(4)), Err(UnknownMeasure(4)));
    }

    #[test]
    fn measured_items_use_the_same_rule() {
        struct Item(Option<i64>);
        impl Measured for Item {
            fn measure_id(&self) -> Option<i64> {
                self.0
            }
            fn currency(&self) -> Option<&str> {
                None
            }
        }
        assert_eq!(Item(Some(3)).major(Some(d("250"))), Some(d("2.50")));
        assert_eq!(Item(Some(2)).major(Some(d("25"))), Some(d("2.5")));
        assert_eq!(Item(Some(9)).major(Some(d("25"))), None);
        assert_eq!(Item(Some(1)).major(None), None);
    }
}
