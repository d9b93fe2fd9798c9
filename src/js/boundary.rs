//! Every JavaScript function the wasm calls, in one place.
//!
//! A call into a value or function the caller handed over (params, a
//! response from a custom `fetch`, the `fetch` itself, an error it threw,
//! the environment) may run the caller's code: a getter, a Proxy trap, a
//! revoked Proxy. Each such binding is `catch`, so a throw comes back as an
//! `Err` here instead of unwinding through wasm frames (which would skip
//! destructors, leak the wasm stack, leave a table borrowed, and leave the
//! instance unusable). The few that are not `catch` call built-ins with no
//! caller value; each says why. `tests/js/boundary.test.mjs` checks the
//! built module's imports against this list.
//!
//! No binding here sets a property: an assignment, even to an object the
//! package made, runs any setter a caller put on `Object.prototype`. The
//! objects the package hands out are made in its own JS (`result.js`).
//!
//! Nothing outside this module names a JS API (js-sys, web-sys or an
//! `extern` block); the rest of the facade calls these.

use crate::prelude::*;

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// Any JS value, read by property name. Named getters for the reads of
    /// every call: the name is written into the generated glue, so no
    /// string crosses per read. Rarer reads use `field`.
    pub type Loose;
    #[wasm_bindgen(method, getter, structural, catch)]
    pub fn fetch(this: &Loose) -> Result<JsValue, JsValue>;
    /// The two fields a success is checked by (`response::SUCCESS`).
    #[wasm_bindgen(method, getter, structural, catch)]
    pub fn object(this: &Loose) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter, structural, catch)]
    pub fn data(this: &Loose) -> Result<JsValue, JsValue>;

    /// A function to call: a caller's `fetch`, a `Headers.get`, Deno's
    /// permission query.
    #[derive(Clone)]
    pub type Callable;
    #[wasm_bindgen(method, catch, js_name = call)]
    pub fn call1(this: &Callable, context: &JsValue, a: &JsValue) -> Result<JsValue, JsValue>;

    // --- reading a caller's value
    /// Own enumerable string keys, as a fresh array made by the engine.
    #[wasm_bindgen(catch, js_namespace = Object, js_name = keys)]
    pub fn object_keys(value: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_namespace = Reflect, js_name = get)]
    pub fn get_key(target: &JsValue, key: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_namespace = Reflect, js_name = get)]
    pub fn get_index(target: &JsValue, index: u32) -> Result<JsValue, JsValue>;
    /// Every own key, enumerable or not, symbols too: a fresh array.
    #[wasm_bindgen(catch, js_namespace = Reflect, js_name = ownKeys)]
    pub fn own_keys(value: &JsValue) -> Result<JsValue, JsValue>;
    /// `Object.prototype.toString.call(value)`: "[object Error]", "[object
    /// Headers]", ...; what kind of built-in an object is, whatever it
    /// says of itself in its own fields.
    #[wasm_bindgen(catch, js_namespace = ["Object", "prototype", "toString"], js_name = call)]
    pub fn builtin_tag(value: &JsValue) -> Result<JsValue, JsValue>;
    /// `target[key]` with a key that is already a JS value.
    #[wasm_bindgen(catch, js_namespace = Reflect, js_name = get)]
    pub fn get_value(target: &JsValue, key: &JsValue) -> Result<JsValue, JsValue>;
    /// An array the engine made (`Object.keys`).
    pub type Keys;
    /// Its length: a genuine array's, which cannot throw.
    #[wasm_bindgen(method, getter, js_name = length)]
    pub fn count(this: &Keys) -> u32;
    /// Whether a string has no lone surrogate (an old runtime without it
    /// throws, which reads as "well-formed": the text is then read lossily).
    #[wasm_bindgen(catch, method, js_class = "String", js_name = isWellFormed)]
    pub fn is_well_formed(this: &JsString) -> Result<bool, JsValue>;
    pub type JsString;
    #[wasm_bindgen(catch, js_namespace = JSON, js_name = stringify)]
    pub fn json_stringify(value: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_namespace = JSON, js_name = parse)]
    pub fn json_parse(text: &JsValue) -> Result<JsValue, JsValue>;

    // --- the runtime's URL parser (the one fetch uses); its parts are read
    // with `field`
    pub type Url;
    #[wasm_bindgen(catch, constructor, js_class = "URL")]
    pub fn new(text: &str) -> Result<Url, JsValue>;

    // --- built-ins that cannot throw
    #[wasm_bindgen(thread_local_v2, js_name = globalThis)]
    pub static GLOBAL_THIS: JsValue;
    #[wasm_bindgen(js_namespace = Date, js_name = now)]
    pub fn date_now() -> f64;
    /// NaN for what is not a date; never throws for a string.
    #[wasm_bindgen(js_namespace = Date, js_name = parse)]
    pub fn date_parse(text: &str) -> f64;
    #[wasm_bindgen(js_namespace = Math, js_name = random)]
    pub fn math_random() -> f64;
    // --- the runtime's console, which a caller may have replaced
    #[wasm_bindgen(catch, js_namespace = console, js_name = debug)]
    pub fn console_debug(line: &str) -> Result<(), JsValue>;
}

// The package's own JS files, shipped beside the glue. Made `catch` all the
// same: a bug there must not unwind through the wasm either.
#[wasm_bindgen(raw_module = "./errors.js")]
extern "C" {
    /// The package's error for a record of `engine::error::Error::record`;
    /// `cause` becomes its `cause`, or, when `stand_in` describes one (the
    /// cause mentions a secret), a redacted stand-in of it.
    #[wasm_bindgen(catch, js_name = fromRecord)]
    pub fn from_record(
        record: &str,
        cause: &JsValue,
        stand_in: Option<String>,
    ) -> Result<JsValue, JsValue>;
}

#[wasm_bindgen(raw_module = "./result.js")]
extern "C" {
    /// What kind of value a caller's value is, as one of the `CLASS_`
    /// numbers below; throws for a revoked Proxy (`Array.isArray` does).
    #[wasm_bindgen(catch, js_name = classOf)]
    pub fn class_of(value: &JsValue) -> Result<u32, JsValue>;
    /// A success's result, made from the parsed envelope.
    #[wasm_bindgen(catch, js_name = resultOf)]
    pub fn result_of(envelope: &JsValue) -> Result<JsValue, JsValue>;
    /// `fetch(url, init)` with a fresh init object, called as the global
    /// one is (on `globalThis`): what it returns, or what it throws.
    /// `body` is `None` for a request without one.
    #[wasm_bindgen(catch, js_name = fetchWith)]
    pub fn fetch_with(
        fetch: &Callable,
        url: &str,
        post: bool,
        authorization: &JsValue,
        body: Option<&str>,
        signal: &JsValue,
    ) -> Result<JsValue, JsValue>;
}

// What `classOf` returns (`pkg-template/result.js` has the same numbers).
pub const CLASS_UNDEFINED: u32 = 1;
pub const CLASS_OBJECT: u32 = 2;
pub const CLASS_ARRAY: u32 = 3;
/// A typed array or a `DataView` (a `Buffer` too), by its internal slot: a
/// look-alike with such a prototype is not one.
pub const CLASS_BYTES: u32 = 4;
pub const CLASS_NULL: u32 = 5;
pub const CLASS_FUNCTION: u32 = 6;
/// A number: its value is then read with `as_f64`.
pub const CLASS_NUMBER: u32 = 7;
pub const CLASS_TRUE: u32 = 8;
pub const CLASS_FALSE: u32 = 9;
pub const CLASS_SYMBOL: u32 = 10;
pub const CLASS_BIGINT: u32 = 11;
/// A string is `CLASS_STRING` plus its length in UTF-16 units, so that one
/// call says both (no engine makes a string of 2^31 units, so the sum fits).
pub const CLASS_STRING: u32 = 16;

/// A property read that never throws: `undefined` when it would.
pub fn read(value: &JsValue, property: fn(&Loose) -> Result<JsValue, JsValue>) -> JsValue {
    property(value.unchecked_ref()).unwrap_or(JsValue::UNDEFINED)
}

/// `target[key]`, or `undefined` when target is not an object or reading
/// throws.
pub fn field(target: &JsValue, key: &str) -> JsValue {
    if !target.is_object() && !target.is_function() {
        return JsValue::UNDEFINED;
    }
    get_key(target, key).unwrap_or(JsValue::UNDEFINED)
}

/// A value as a function to call, if it is one.
pub fn callable(value: JsValue) -> Option<Callable> {
    value.is_function().then(|| value.unchecked_into())
}

/// The text of a JS string, and whether it is well-formed. Text that came
/// out ASCII is: the glue copies a lone surrogate in as U+FFFD, three bytes
/// that are not ASCII, so only other text needs asking.
pub fn string_of(value: &JsValue) -> Option<(String, bool)> {
    let text = value.as_string()?;
    let well_formed = text.bytes().all(|b| b < 0x80)
        || value
            .unchecked_ref::<JsString>()
            .is_well_formed()
            .unwrap_or(true);
    Some((text, well_formed))
}

/// The caller's `fetch`, else the global one, looked up at each call so
/// that a stub installed after import is honoured.
pub fn global_fetch() -> Option<Callable> {
    let global = GLOBAL_THIS.with(JsValue::clone);
    callable(read(&global, Loose::fetch))
}

pub fn global_this() -> JsValue {
    GLOBAL_THIS.with(JsValue::clone)
}

/// Writes a debug line; a console that throws loses the line, nothing more.
pub fn debug(line: &str) {
    let _ = console_debug(line);
}
