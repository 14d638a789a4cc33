package dev.portcullis.bpf.asm;

/**
 * A place in a program that jumps can name before it is known; {@link Assembler#bind} fixes it.
 * Belongs to the assembler that made it.
 *
 * @since 0.2
 */
public final class Label {

  private final Assembler owner;
  private final String name;
  private int position = -1;

  Label(Assembler owner, String name) {
    this.owner = owner;
    this.name = name;
  }

  Assembler owner() {
    return owner;
  }

  boolean isBound() {
    return position >= 0;
  }

  int position() {
    return position;
  }

  void bindAt(int slot) {
    if (isBound()) {
      throw new IllegalStateException("Label " + name + " is already bound at slot " + position);
    }
    position = slot;
  }

  @Override
  public String toString() {
    return name + (isBound() ? "@" + position : "(unbound)");
  }
}
