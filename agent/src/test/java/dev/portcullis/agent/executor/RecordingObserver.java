package dev.portcullis.agent.executor;

import dev.portcullis.api.ContainerId;
import dev.portcullis.api.GuardRefusals;
import dev.portcullis.core.ScanReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A {@link CoreObserver} that keeps what it is told. */
final class RecordingObserver implements CoreObserver {

  private final List<ScanReport> scans = new ArrayList<>();
  private final List<KillReason> kills = new ArrayList<>();
  private final List<Map<ContainerId, GuardRefusals>> guardReads = new ArrayList<>();
  private int scanFailures;

  @Override
  public void scanned(ScanReport report) {
    scans.add(report);
  }

  @Override
  public void scanFailed() {
    scanFailures++;
  }

  @Override
  public void killed(KillReason reason) {
    kills.add(reason);
  }

  @Override
  public void guardsRead(Map<ContainerId, GuardRefusals> refusals) {
    guardReads.add(Map.copyOf(refusals));
  }

  List<ScanReport> scans() {
    return List.copyOf(scans);
  }

  /** Every kill reported, in order. */
  List<KillReason> kills() {
    return List.copyOf(kills);
  }

  List<Map<ContainerId, GuardRefusals>> guardReads() {
    return List.copyOf(guardReads);
  }

  int scanFailures() {
    return scanFailures;
  }
}
