//! Field-level validation errors, collected so a client learns about every bad field at once.

use std::fmt;

/// One rejected input field: a GraphQL-style path such as `input.contact.email` and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// Every field error found in one input; never empty when returned as an `Err`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ValidationErrors(pub Vec<FieldError>);

impl ValidationErrors {
    pub fn single(field: impl Into<String>, message: impl Into<String>) -> Self {
        ValidationErrors(vec![FieldError {
            field: field.into(),
            message: message.into(),
        }])
    }

    /// The fields named, in the order they were checked.
    pub fn fields(&self) -> Vec<&str> {
        self.0.iter().map(|e| e.field.as_str()).collect()
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self
            .0
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect();
        write!(f, "invalid input: {}", parts.join("; "))
    }
}

/// Collects field errors while an input is parsed into domain values.
///
/// `check` keeps parsing after a failure so that one response names every bad field; the caller
/// finishes with [`Checker::finish`], which yields the value only when nothing failed.
#[derive(Debug, Default)]
pub struct Checker {
    prefix: String,
    errors: Vec<FieldError>,
}

impl Checker {
    /// `prefix` is prepended to field names, e.g. `input`.
    pub fn new(prefix: &str) -> Self {
        Checker {
            prefix: prefix.to_string(),
            errors: Vec::new(),
        }
    }

    fn path(&self, field: &str) -> String {
        if self.prefix.is_empty() {
            field.to_string()
        } else {
            format!("{}.{}", self.prefix, field)
        }
    }

    /// Records the error of `result` under `field`, returning the value when it parsed.
    pub fn check<T>(&mut self, field: &str, result: Result<T, String>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(message) => {
                self.fail(field, message);
                None
            }
        }
    }

    pub fn fail(&mut self, field: &str, message: impl Into<String>) {
        let field = self.path(field);
        self.errors.push(FieldError {
            field,
            message: message.into(),
        });
    }

    /// Parses each element of a list, naming failures `field[i]`.
    pub fn check_list<R, T>(
        &mut self,
        field: &str,
        items: Vec<R>,
        max_len: usize,
        parse: impl Fn(R) -> Result<T, String>,
    ) -> Vec<T> {
        if items.len() > max_len {
            self.fail(
                field,
                format!("at most {max_len} entries allowed, got {}", items.len()),
            );
            return Vec::new();
        }
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.into_iter().enumerate() {
            if let Some(v) = self.check(&format!("{field}[{i}]"), parse(item)) {
                out.push(v);
            }
        }
        out
    }

    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }

    /// `Ok(value())` when no check failed; `value` is only called then, so it may unwrap the
    /// `Option`s returned by `check` with `expect` safely.
    pub fn finish<T>(self, value: impl FnOnce() -> T) -> Result<T, ValidationErrors> {
        if self.errors.is_empty() {
            Ok(value())
        } else {
            Err(ValidationErrors(self.errors))
        }
    }
}

/// Removes repeated entries keeping first occurrences, so stored lists are sets in input order.
pub fn dedup_keep_order<T: PartialEq>(items: Vec<T>) -> Vec<T> {
    let mut out: Vec<T> = Vec::with_capacity(items.len());
    for item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_every_error_with_paths() {
        let mut c = Checker::new("input");
        let a: Option<u8> = c.check("a", Err("bad a".into()));
        let list = c.check_list("xs", vec![1, -1, 2], 5, |x: i32| {
            if x >= 0 {
                Ok(x)
            } else {
                Err("negative".into())
            }
        });
        assert!(a.is_none());
        assert_eq!(list, vec![1, 2]);
        let err = c.finish(|| ()).unwrap_err();
        assert_eq!(err.fields(), vec!["input.a", "input.xs[1]"]);
        assert!(err.to_string().contains("input.xs[1]: negative"));
    }

    #[test]
    fn too_long_list_is_one_error() {
        let mut c = Checker::new("");
        let v = c.check_list("xs", vec![1; 4], 3, Ok::<i32, String>);
        assert!(v.is_empty());
        assert_eq!(c.finish(|| ()).unwrap_err().fields(), vec!["xs"]);
    }

    #[test]
    fn dedup_keeps_first() {
        assert_eq!(dedup_keep_order(vec![3, 1, 3, 2, 1]), vec![3, 1, 2]);
    }
}
