//! Serde adapters for CBC's loosely typed numbers.
//!
//! CBC sends money sometimes as JSON numbers and sometimes as decimal strings, and a few integer
//! fields (`measure_id` of refund details) as strings. These adapters accept both shapes and
//! never go through `f64`: serde_json's `arbitrary_precision` hands numbers over as their exact
//! text, which is parsed straight into a `Decimal`. On output each field keeps the JSON shape
//! `operations.json` declares for it (`*_num` writes a number, `*_str` a string).

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// Reads the text of an `arbitrary_precision` number (`{"$serde_json::private::Number": "1.5"}`).
fn number_text<'de, A: MapAccess<'de>>(mut map: A) -> Result<String, A::Error> {
    let key: Option<String> = map.next_key()?;
    if key.is_none() {
        return Err(de::Error::custom("expected a number, got an empty object"));
    }
    map.next_value()
}

fn parse_decimal<E: de::Error>(text: &str) -> Result<Option<Decimal>, E> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    Decimal::from_str(t)
        .or_else(|_| Decimal::from_scientific(t))
        .map(Some)
        .map_err(|_| E::custom(format!("`{t}` is not a decimal amount")))
}

fn parse_int<E: de::Error>(text: &str) -> Result<Option<i64>, E> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    i64::from_str(t)
        .map(Some)
        .map_err(|_| E::custom(format!("`{t}` is not an integer")))
}

struct DecimalVisitor;

impl<'de> Visitor<'de> for DecimalVisitor {
    type Value = Option<Decimal>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a decimal number or a decimal string")
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(Decimal::from(v)))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(Decimal::from(v)))
    }
    /// serde_json's `Value` hands a number over as `f64` only when the shortest form of that
    /// `f64` is exactly the number's original text, so printing it back is exact too.
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        if !v.is_finite() {
            return Err(E::custom("not a finite number"));
        }
        parse_decimal(&v.to_string())
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        parse_decimal(v)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        parse_decimal(&number_text(map)?)
    }
}

struct IntVisitor;

impl<'de> Visitor<'de> for IntVisitor {
    type Value = Option<i64>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an integer or an integer string")
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        i64::try_from(v)
            .map(Some)
            .map_err(|_| E::custom("integer out of range"))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        parse_int(v)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        parse_int(&number_text(map)?)
    }
}

fn required<T, E: de::Error>(v: Option<T>) -> Result<T, E> {
    v.ok_or_else(|| E::custom("a value is required here"))
}

fn ser_number<S: Serializer>(text: &str, s: S) -> Result<S::Ok, S::Error> {
    serde_json::Number::from_str(text)
        .map_err(serde::ser::Error::custom)?
        .serialize(s)
}

/// Decimal written as a JSON number; reads numbers and decimal strings.
pub mod decimal_num {
    use super::*;
    /// Deserializes a required decimal.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        required(d.deserialize_any(DecimalVisitor)?)
    }
    /// Serializes as a JSON number with the exact digits.
    pub fn serialize<S: Serializer>(v: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        ser_number(&v.to_string(), s)
    }
}

/// Optional decimal written as a JSON number; reads numbers, decimal strings, `null` and `""`.
pub mod decimal_num_option {
    use super::*;
    /// Deserializes an optional decimal.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
        d.deserialize_option(DecimalVisitor)
    }
    /// Serializes as a JSON number with the exact digits, or `null`.
    pub fn serialize<S: Serializer>(v: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(v) => ser_number(&v.to_string(), s),
            None => s.serialize_none(),
        }
    }
}

/// Decimal written as a JSON string; reads numbers and decimal strings.
pub mod decimal_str {
    use super::*;
    /// Deserializes a required decimal.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        required(d.deserialize_any(DecimalVisitor)?)
    }
    /// Serializes as a decimal string.
    pub fn serialize<S: Serializer>(v: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&v.to_string())
    }
}

/// Optional decimal written as a JSON string; reads numbers, decimal strings, `null` and `""`.
pub mod decimal_str_option {
    use super::*;
    /// Deserializes an optional decimal.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
        d.deserialize_option(DecimalVisitor)
    }
    /// Serializes as a decimal string, or `null`.
    pub fn serialize<S: Serializer>(v: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(v) => s.serialize_str(&v.to_string()),
            None => s.serialize_none(),
        }
    }
}

/// Integer written as a JSON number; reads numbers and integer strings.
pub mod int_num {
    use super::*;
    /// Deserializes a required integer.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
        required(d.deserialize_any(IntVisitor)?)
    }
    /// Serializes as a JSON number.
    pub fn serialize<S: Serializer>(v: &i64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(*v)
    }
}

/// Optional integer written as a JSON number; reads numbers, integer strings, `null` and `""`.
pub mod int_num_option {
    use super::*;
    /// Deserializes an optional integer.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
        d.deserialize_option(IntVisitor)
    }
    /// Serializes as a JSON number, or `null`.
    pub fn serialize<S: Serializer>(v: &Option<i64>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(v) => s.serialize_i64(*v),
            None => s.serialize_none(),
        }
    }
}

/// Integer written as a JSON string; reads numbers and integer strings.
pub mod int_str {
    use super::*;
    /// Deserializes a required integer.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
        required(d.deserialize_any(IntVisitor)?)
    }
    /// Serializes as a string.
    pub fn serialize<S: Serializer>(v: &i64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&v.to_string())
    }
}

/// Optional integer written as a JSON string; reads numbers, integer strings, `null` and `""`.
pub mod int_str_option {
    use super::*;
    /// Deserializes an optional integer.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
        d.deserialize_option(IntVisitor)
    }
    /// Serializes as a string, or `null`.
    pub fn serialize<S: Serializer>(v: &Option<i64>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(v) => s.serialize_str(&v.to_string()),
            None => s.serialize_none(),
        }
    }
}

/// A list that CBC may also send as `null`.
pub fn vec_or_null<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize, Serialize)]
    struct Probe {
        #[serde(default, with = "decimal_num_option")]
        n: Option<Decimal>,
        #[serde(default, with = "decimal_str_option")]
        s: Option<Decimal>,
        #[serde(default, with = "int_num_option")]
        i: Option<i64>,
    }

    fn probe(json: &str) -> Probe {
        serde_json::from_str(json).expect("parses")
    }

    #[test]
    fn decimals_are_exact_from_numbers_and_strings() {
        let d = |s: &str| Decimal::from_str(s).expect("decimal");
        // 0.1 + 0.2 style values and long fractions survive exactly.
        let p = probe(r#"{"n": 1523.4500000000000001, "s": "0.30"}"#);
        assert_eq!(p.n, Some(d("1523.4500000000000001")));
        assert_eq!(p.s, Some(d("0.30")));
        let p = probe(r#"{"n": "12.50", "s": 7}"#);
        assert_eq!(p.n, Some(d("12.50")));
        assert_eq!(p.s, Some(d("7")));
        let p = probe(r#"{"n": -0.01, "s": 1e2}"#);
        assert_eq!(p.n, Some(d("-0.01")));
        assert_eq!(p.s, Some(d("100")));
        // Through a `serde_json::Value` as well, where short numbers arrive as f64.
        let v: serde_json::Value =
            serde_json::from_str(r#"{"n": 1523.45, "s": 0.10000000000000000001}"#).expect("json");
        let p: Probe = serde_json::from_value(v).expect("parses");
        assert_eq!(p.n, Some(d("1523.45")));
        assert_eq!(p.s, Some(d("0.10000000000000000001")));
    }

    #[test]
    fn empty_and_null_become_none_and_garbage_fails() {
        let p = probe(r#"{"n": null, "s": "", "i": ""}"#);
        assert_eq!((p.n, p.s, p.i), (None, None, None));
        let p = probe("{}");
        assert_eq!((p.n, p.s, p.i), (None, None, None));
        assert!(serde_json::from_str::<Probe>(r#"{"n": "ten"}"#).is_err());
        assert!(serde_json::from_str::<Probe>(r#"{"i": 1.5}"#).is_err());
    }

    #[test]
    fn integers_accept_strings_and_output_keeps_declared_shape() {
        let p = probe(r#"{"i": "3", "n": 2.50, "s": 2.50}"#);
        assert_eq!(p.i, Some(3));
        let out = serde_json::to_string(&p).expect("serializes");
        assert_eq!(out, r#"{"n":2.50,"s":"2.50","i":3}"#);
    }
}
