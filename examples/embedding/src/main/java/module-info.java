/**
 * An example node agent that embeds the isolator: see {@link
 * dev.portcullis.examples.embedding.EmbeddedAgent}. It requires only core; the providers are
 * bound from the module path because core {@code uses} their SPIs.
 */
module dev.portcullis.examples.embedding {
  requires dev.portcullis.core;
}
