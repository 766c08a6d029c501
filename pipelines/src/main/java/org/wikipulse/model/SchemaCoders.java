package org.wikipulse.model;

import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.schemas.NoSuchSchemaException;
import org.apache.beam.sdk.schemas.SchemaCoder;

/** The Beam schema coder of a model class, for the outputs whose coder must be set, not inferred. */
public final class SchemaCoders {
  private SchemaCoders() {}

  /** {@code type}'s schema coder in {@code pipeline}'s registry; a class without a schema is a bug. */
  public static <T> SchemaCoder<T> of(Pipeline pipeline, Class<T> type) {
    try {
      return pipeline.getSchemaRegistry().getSchemaCoder(type);
    } catch (NoSuchSchemaException e) {
      throw new IllegalStateException(type.getName() + " has no schema", e);
    }
  }
}
