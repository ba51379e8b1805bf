//! The real product codes from `tests/fixtures/cbc-api/catalog/`: service and resource types,
//! usage types, measurement units, conversions, regions and priceable specs.

use std::sync::OnceLock;

use serde::Deserialize;

macro_rules! fixture {
    ($f:literal) => {
        include_str!(concat!("../../tests/fixtures/cbc-api/catalog/", $f))
    };
}

#[derive(Debug, Deserialize, Clone)]
pub struct ServiceType {
    pub service_type_code: String,
    pub service_type_name: String,
    #[serde(default)]
    pub abbreviation: Option<String>,
}

#[derive(Debug, Deserialize, Clone)]
pub struct ResourceType {
    pub resource_type_code: String,
    pub resource_type_name: String,
    pub service_type_code: String,
}

#[derive(Debug, Deserialize, Clone)]
pub struct UsageType {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub resource_type_codes: Vec<String>,
    #[serde(default)]
    pub usage_measure_id: Option<i64>,
}

#[derive(Debug, Deserialize, Clone)]
pub struct MeasureUnit {
    pub measure_id: i64,
    pub measure_name_en: String,
    #[serde(default)]
    pub abbreviation: Option<String>,
    pub measure_type: i64,
}

#[derive(Debug, Deserialize, Clone)]
pub struct Conversion {
    pub measure_id: i64,
    pub ref_measure_id: i64,
    pub conversion_ratio: i64,
    pub measure_type: i64,
}

#[derive(Debug, Deserialize, Clone)]
pub struct Region {
    pub region_code: String,
    pub region_name: String,
}

#[derive(Debug, Deserialize, Clone)]
pub struct RefPrice {
    pub amount: f64,
    pub per: String,
}

#[derive(Debug, Deserialize, Clone)]
pub struct Spec {
    pub id: String,
    pub cloud_service_type: String,
    pub resource_type: String,
    pub resource_spec: String,
    #[serde(default)]
    pub charge_modes: Vec<String>,
    #[serde(default)]
    pub usage_factor: Option<String>,
    #[serde(default)]
    pub resource_size: Option<i64>,
    #[serde(default)]
    pub size_measure_id: Option<i64>,
    #[serde(default)]
    pub reference_prices: Vec<RefPrice>,
    #[serde(default)]
    pub description: Option<String>,
}

impl Spec {
    pub fn yearly_monthly(&self) -> bool {
        self.charge_modes.iter().any(|m| m == "yearly_monthly")
    }
    pub fn pay_per_use(&self) -> bool {
        self.charge_modes.iter().any(|m| m == "pay_per_use")
    }
    pub fn linear(&self) -> bool {
        self.size_measure_id.is_some()
    }
}

/// The loaded catalog.
#[derive(Debug, Default)]
pub struct Catalog {
    pub service_types: Vec<ServiceType>,
    pub resource_types: Vec<ResourceType>,
    pub usage_types: Vec<UsageType>,
    pub measure_units: Vec<MeasureUnit>,
    pub conversions: Vec<Conversion>,
    pub regions: Vec<Region>,
    pub specs: Vec<Spec>,
}

impl Catalog {
    pub fn service(&self, code: &str) -> Option<&ServiceType> {
        self.service_types
            .iter()
            .find(|s| s.service_type_code == code)
    }
    pub fn service_name(&self, code: &str) -> String {
        self.service(code)
            .map(|s| s.service_type_name.clone())
            .unwrap_or_else(|| code.to_owned())
    }
    pub fn resource(&self, code: &str) -> Option<&ResourceType> {
        self.resource_types
            .iter()
            .find(|r| r.resource_type_code == code)
    }
    pub fn resource_name(&self, code: &str) -> String {
        self.resource(code)
            .map(|r| r.resource_type_name.clone())
            .unwrap_or_else(|| code.to_owned())
    }
    pub fn region_name(&self, code: &str) -> String {
        self.regions
            .iter()
            .find(|r| r.region_code == code)
            .map(|r| r.region_name.clone())
            .unwrap_or_else(|| code.to_owned())
    }
    /// Finds the spec a price inquiry names (codes compared exactly, like CBC).
    pub fn find_spec(&self, service: &str, resource: &str, spec: &str) -> Option<&Spec> {
        self.specs.iter().find(|s| {
            s.cloud_service_type == service
                && s.resource_type == resource
                && s.resource_spec == spec
        })
    }
}

#[derive(Deserialize)]
struct Wrap<T> {
    #[serde(
        alias = "service_types",
        alias = "resource_types",
        alias = "usage_types",
        alias = "measure_units",
        alias = "conversions",
        alias = "regions",
        alias = "specs"
    )]
    items: Vec<T>,
}

fn load<T: for<'de> Deserialize<'de>>(raw: &str) -> Vec<T> {
    serde_json::from_str::<Wrap<T>>(raw)
        .map(|w| w.items)
        .unwrap_or_default()
}

/// The catalog, parsed once.
pub fn catalog() -> &'static Catalog {
    static CAT: OnceLock<Catalog> = OnceLock::new();
    CAT.get_or_init(|| Catalog {
        service_types: load(fixture!("service-types.json")),
        resource_types: load(fixture!("resource-types.json")),
        usage_types: load(fixture!("usage-types.json")),
        measure_units: load(fixture!("measure-units.json")),
        conversions: load(fixture!("conversions.json")),
        regions: load(fixture!("regions.json")),
        specs: load(fixture!("specs.json")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_loads_real_codes() {
        let c = catalog();
        assert_eq!(c.service_types.len(), 71);
        assert_eq!(c.resource_types.len(), 80);
        assert_eq!(c.usage_types.len(), 17);
        assert_eq!(c.measure_units.len(), 45);
        assert_eq!(c.conversions.len(), 26);
        assert_eq!(c.regions.len(), 34);
        assert_eq!(c.specs.len(), 41);
        assert!(
            c.find_spec(
                "hws.service.type.ec2",
                "hws.resource.type.vm",
                "c6.large.2.linux"
            )
            .is_some()
        );
    }
}
