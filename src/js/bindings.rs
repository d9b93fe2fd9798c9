//! Raw bindings to the JS objects the facade reads on every call: a fetch
//! response and its headers. Property names are baked
//! into the generated glue, so no name string crosses the boundary per
//! access (each crossing is a UTF-8 decode), and every read is `catch`:
//! these objects may come from a user's stub and throw.

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// Any JS value, read by property name.
    pub type Loose;

    #[wasm_bindgen(method, getter, structural, catch)]
    pub fn status(this: &Loose) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter, structural, catch)]
    pub fn ok(this: &Loose) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter, structural, catch)]
    pub fn headers(this: &Loose) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter, structural, catch)]
    pub fn text(this: &Loose) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter, structural, catch)]
    pub fn json(this: &Loose) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter, structural, catch)]
    pub fn get(this: &Loose) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter, structural, catch)]
    pub fn fetch(this: &Loose) -> Result<JsValue, JsValue>;
}

/// A property read of `Loose`.
pub type Getter = fn(&Loose) -> Result<JsValue, JsValue>;

pub fn loose(value: &JsValue) -> &Loose {
    value.unchecked_ref()
}

/// A property read that never throws: `undefined` when it would.
pub fn read(value: &JsValue, property: Getter) -> JsValue {
    property(loose(value)).unwrap_or(JsValue::UNDEFINED)
}
