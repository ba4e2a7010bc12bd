//! The methods each documented path takes (for the 405 answer to the others), and the
//! component schemas utoipa derives.

use serde_json::{Map, Value};

/// The component schemas as utoipa derives them (the shapes of the bodies), built once.
pub fn schemas() -> &'static Map<String, Value> {
    static SCHEMAS: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
    SCHEMAS.get_or_init(|| {
        let doc = serde_json::to_value(crate::derived_openapi()).unwrap_or_default();
        doc.pointer("/components/schemas")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
    })
}

/// The methods each documented path takes, for the 405 answer to the others.
#[derive(Debug, Clone, Default)]
pub struct Methods {
    /// Path templates split at `/` (`{id}` matches any one segment), with their methods.
    routes: Vec<(Vec<String>, Vec<String>)>,
}

impl Methods {
    pub fn of(doc: &Value) -> Methods {
        let mut routes = Vec::new();
        if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
            for (path, item) in paths {
                let methods: Vec<String> = item
                    .as_object()
                    .map(|o| {
                        ["get", "put", "post", "delete", "patch"]
                            .iter()
                            .filter(|m| o.contains_key(**m))
                            .map(|m| m.to_uppercase())
                            .collect()
                    })
                    .unwrap_or_default();
                let segments = path.split('/').map(str::to_owned).collect();
                routes.push((segments, methods));
            }
        }
        Methods { routes }
    }

    /// The methods path `path` takes, if it is a documented path.
    pub fn allowed(&self, path: &str) -> Option<Vec<String>> {
        let segments: Vec<&str> = path.split('/').collect();
        let mut found: Option<Vec<String>> = None;
        for (template, methods) in &self.routes {
            let matches = template.len() == segments.len()
                && template.iter().zip(&segments).all(|(t, s)| {
                    (t.starts_with('{') && t.ends_with('}') && !s.is_empty()) || t == s
                });
            if matches {
                let all = found.get_or_insert_with(Vec::new);
                for m in methods {
                    if !all.contains(m) {
                        all.push(m.clone());
                    }
                }
            }
        }
        found
    }
}
