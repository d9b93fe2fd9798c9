//! The API key from the environment, where the runtime has one. Deno is
//! asked for permission first, so a missing `--allow-env` is neither a
//! prompt nor a crash; Workers have no process environment at all.

use crate::prelude::*;

use super::boundary::{callable, field, global_this, json_parse};
use crate::engine::text::cat;
use wasm_bindgen::JsValue;

pub fn read(name: &str) -> Option<String> {
    let global = global_this();
    let deno = field(&global, "Deno");
    if deno.is_object() {
        return read_deno(&deno, name);
    }
    let env = field(&field(&global, "process"), "env");
    if !env.is_object() {
        return None;
    }
    field(&env, name).as_string()
}

fn read_deno(deno: &JsValue, name: &str) -> Option<String> {
    let permissions = field(deno, "permissions");
    let query_sync = callable(field(&permissions, "querySync"))?;
    // JSON.parse makes the descriptor without assigning a property (see
    // `boundary`); `name` is one of the package's own variable names.
    let descriptor = cat!(r#"{"name":"env","variable":""#, name, r#""}"#);
    let descriptor = json_parse(&JsValue::from_str(&descriptor)).ok()?;
    let status = query_sync.call1(&permissions, &descriptor).ok()?;
    if field(&status, "state").as_string().as_deref() != Some("granted") {
        return None;
    }
    let env = field(deno, "env");
    let env_get = callable(field(&env, "get"))?;
    env_get
        .call1(&env, &JsValue::from_str(name))
        .ok()?
        .as_string()
}
