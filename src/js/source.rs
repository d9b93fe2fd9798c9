//! A JS value as the engine's `Source`: each read is one boundary call, and
//! none can throw into the wasm (see `boundary`).

use crate::prelude::*;

use super::boundary::{
    self, get_index, get_key, get_value, is_array, is_view, json_stringify, object_keys, Keys,
};
use crate::engine::input::{read, Budget, Class, Shape, Source, Value};
use core::cell::RefCell;
use wasm_bindgen::{JsCast, JsValue};

pub struct JsSource<'k> {
    value: JsValue,
    /// Functions met while reading (an `options.fetch`), kept so that the
    /// caller's value is never read a second time to fetch them again.
    kept: &'k RefCell<Vec<JsValue>>,
    /// The keys `keys` last found, as JS strings: a field is read with its
    /// key as it is, not copied back out of the wasm.
    keys: RefCell<Option<Keys>>,
}

impl<'k> JsSource<'k> {
    pub fn new(value: JsValue, kept: &'k RefCell<Vec<JsValue>>) -> Self {
        JsSource {
            value,
            kept,
            keys: RefCell::new(None),
        }
    }

    fn with(&self, value: JsValue) -> Self {
        JsSource::new(value, self.kept)
    }
}

/// Reads `value` with `shape` (a JS value the wasm checks), keeping any
/// function in it.
pub fn read_js(value: &JsValue, shape: &Shape, kept: &RefCell<Vec<JsValue>>) -> Value {
    read(
        &JsSource::new(value.clone(), kept),
        shape,
        &mut Budget::per_call(),
    )
}

impl Source for JsSource<'_> {
    fn class(&self) -> Class {
        // Most values are strings, then fields that are absent, then
        // objects: tested first (each test is a call out of the wasm).
        let v = &self.value;
        if v.is_string() {
            return Class::String;
        }
        if v.is_undefined() {
            return Class::Undefined;
        }
        if v.is_object() {
            return match is_array(v) {
                Ok(true) => Class::Array,
                Ok(false) if is_view(v).unwrap_or(false) => Class::Bytes,
                Ok(false) => Class::Object,
                Err(_) => Class::Unreadable,
            };
        }
        if let Some(n) = v.as_f64() {
            Class::Number(n)
        } else if let Some(b) = v.as_bool() {
            Class::Bool(b)
        } else if v.is_null() {
            Class::Null
        } else if v.is_function() {
            Class::Function
        } else if v.is_symbol() {
            Class::Symbol
        } else if v.is_bigint() {
            Class::BigInt
        } else {
            Class::Unreadable
        }
    }

    fn text_len(&self) -> usize {
        boundary::string_units(&self.value)
    }

    fn text(&self) -> Value {
        match boundary::string_of(&self.value) {
            Some((text, true)) => Value::String(text),
            Some((lossy, false)) => {
                match json_stringify(&self.value).ok().and_then(|j| j.as_string()) {
                    Some(json) => Value::IllFormedString { lossy, json },
                    None => Value::Other("a string that cannot be read"),
                }
            }
            None => Value::Other("a string that cannot be read"),
        }
    }

    fn keys(&self, max: usize) -> Result<Vec<String>, usize> {
        // A fresh array the engine made, whatever the value is: safe to
        // read, but still read through `catch` bindings.
        let keys: Keys = object_keys(&self.value)
            .map_err(|_| 0usize)?
            .unchecked_into();
        let count = keys.count() as usize;
        if count > max {
            return Err(count);
        }
        let names = (0..count)
            .map(|i| get_index(&keys, i as u32).ok().and_then(|k| k.as_string()))
            .collect::<Option<Vec<String>>>()
            .ok_or(0usize)?;
        if let Ok(mut kept) = self.keys.try_borrow_mut() {
            *kept = Some(keys);
        }
        Ok(names)
    }

    fn field(&self, key: &str) -> Option<Self> {
        get_key(&self.value, key).ok().map(|value| self.with(value))
    }

    fn key_field(&self, index: usize, key: &str) -> Option<Self> {
        let js_key = self
            .keys
            .try_borrow()
            .ok()
            .and_then(|keys| get_index(keys.as_ref()?, u32::try_from(index).ok()?).ok());
        match js_key {
            Some(js_key) => get_value(&self.value, &js_key)
                .ok()
                .map(|value| self.with(value)),
            None => self.field(key),
        }
    }

    fn list_len(&self) -> Option<usize> {
        let n = get_key(&self.value, "length").ok()?.as_f64()?;
        (n >= 0.0 && n <= f64::from(u32::MAX) && n == (n as u32) as f64).then_some(n as usize)
    }

    fn item(&self, index: usize) -> Option<Self> {
        let index = u32::try_from(index).ok()?;
        get_index(&self.value, index)
            .ok()
            .map(|value| self.with(value))
    }

    fn keep_function(&self) -> usize {
        match self.kept.try_borrow_mut() {
            Ok(mut kept) => {
                kept.push(self.value.clone());
                kept.len().saturating_sub(1)
            }
            // Never borrowed elsewhere while reading; an index past the end
            // would find no function, and the option would be refused.
            Err(_) => usize::MAX,
        }
    }
}
