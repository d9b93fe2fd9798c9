//! The API key from the environment, where the runtime has one. Deno is
//! asked for permission first, so a missing `--allow-env` is neither a
//! prompt nor a crash; Workers have no process environment at all.

use crate::prelude::*;

use js_sys::{Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

pub fn read(name: &str) -> Option<String> {
    let global = js_sys::global();
    let deno = get(&global, "Deno");
    if deno.is_object() {
        return read_deno(&deno, name);
    }
    let env = get(&get(&global, "process"), "env");
    if !env.is_object() {
        return None;
    }
    get(&env, name).as_string()
}

fn read_deno(deno: &JsValue, name: &str) -> Option<String> {
    let query_sync = get(&get(deno, "permissions"), "querySync")
        .dyn_into::<Function>()
        .ok()?;
    let descriptor = Object::new();
    Reflect::set(&descriptor, &"name".into(), &"env".into()).ok()?;
    Reflect::set(&descriptor, &"variable".into(), &name.into()).ok()?;
    let status = query_sync
        .call1(&get(deno, "permissions"), &descriptor)
        .ok()?;
    if get(&status, "state").as_string().as_deref() != Some("granted") {
        return None;
    }
    let env = get(deno, "env");
    let env_get = get(&env, "get").dyn_into::<Function>().ok()?;
    env_get.call1(&env, &name.into()).ok()?.as_string()
}

/// `target[key]`, or `undefined` when target is not an object or a getter throws.
pub fn get(target: &JsValue, key: &str) -> JsValue {
    if !target.is_object() && !target.is_function() {
        return JsValue::UNDEFINED;
    }
    Reflect::get(target, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}
