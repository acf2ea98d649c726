import Dispatch
import Foundation
import Synchronization

/// Ctrl-C as a request to stop: the first SIGINT sets a flag that runs poll between slices of
/// events, so a run or sweep stops within a fraction of a second and stores nothing half-done;
/// a second SIGINT ends the process at once.
public enum Interruption {
    private static let flag = Atomic<Bool>(false)
    nonisolated(unsafe) private static var source: (any DispatchSourceSignal)?

    /// Whether Ctrl-C was pressed since `install()`.
    public static var requested: Bool { flag.load(ordering: .relaxed) }

    /// Catches SIGINT from now on. Call once, from the command that runs work.
    public static func install() {
        guard source == nil else { return }
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler {
            if flag.exchange(true, ordering: .relaxed) { exit(130) }
            FileHandle.standardError.write(Data("\r\u{1B}[K^C stopping: runs in progress are dropped, finished ones are kept (Ctrl-C again to quit now)\n".utf8))
        }
        source.resume()
        Self.source = source
    }
}
