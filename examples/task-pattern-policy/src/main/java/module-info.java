/**
 * An example enforcement policy, {@code task-pattern}: see {@link
 * dev.portcullis.examples.taskpattern.TaskPatternPolicy}. The agent finds it in a jar dropped into
 * its {@code --modules_dir}, because this module {@code provides} the SPI.
 */
module dev.portcullis.examples.taskpattern {
  requires dev.portcullis.api;
  requires static com.google.auto.service;

  provides dev.portcullis.api.EnforcementPolicy with
      dev.portcullis.examples.taskpattern.TaskPatternPolicy;
}
