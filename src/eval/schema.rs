//! JSON Schema checks through `boon` (drafts 4 to 2020-12; it passes the
//! official test suite and builds in a fraction of the time of the
//! alternatives). A schema may not load anything: `$ref`s to files or URLs
//! are refused, so a suite cannot make prism read or fetch.

use std::error::Error;

use serde_json::Value;

/// One compiled schema with its own store.
pub struct Schema {
    schemas: boon::Schemas,
    index: boon::SchemaIndex,
}

impl std::fmt::Debug for Schema {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Schema")
    }
}

/// The name the schema is known by inside its store.
const LOCATION: &str = "prism:///suite-schema.json";

struct NoLoading;

impl boon::UrlLoader for NoLoading {
    fn load(&self, url: &str) -> Result<Value, Box<dyn Error>> {
        Err(format!("{url}: a suite's schema cannot load other files or URLs").into())
    }
}

impl Schema {
    pub fn compile(schema: &Value) -> Result<Schema, String> {
        let mut compiler = boon::Compiler::new();
        compiler.use_loader(Box::new(NoLoading));
        compiler
            .add_resource(LOCATION, schema.clone())
            .map_err(|e| e.to_string())?;
        let mut schemas = boon::Schemas::new();
        let index = compiler
            .compile(LOCATION, &mut schemas)
            .map_err(|e| describe_compile_error(&e))?;
        Ok(Schema { schemas, index })
    }

    /// None when `value` is valid, else the first leaf error on one line:
    /// "/age: want integer, but got string".
    pub fn first_error(&self, value: &Value) -> Option<String> {
        let error = self.schemas.validate(value, self.index).err()?;
        let mut leaf = &error;
        while let Some(cause) = leaf.causes.first() {
            leaf = cause;
        }
        let at = leaf.instance_location.to_string();
        let at = if at.is_empty() { "/".to_string() } else { at };
        Some(format!("{at}: {}", leaf.kind))
    }
}

/// The innermost reason of a compile error (boon nests the meta-schema's
/// complaint inside "cannot compile").
fn describe_compile_error(error: &boon::CompileError) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(inner) = source {
        text = inner.to_string();
        source = inner.source();
    }
    text.replace(LOCATION, "the schema")
}
