import Foundation
import NIOConcurrencyHelpers
import Vapor

/// Work the server does on its own (the scheduler's ticks, the outbound queue), kept
/// track of so that shutting down waits for what is running and starts nothing new:
/// work that outlived its application would reach for a database that is gone.
final class BackgroundWork: LifecycleHandler, Sendable {
    private let state = NIOLockedValueBox<(stopped: Bool, tasks: [UUID: Task<Void, Never>])>((false, [:]))

    var isStopped: Bool { state.withLockedValue { $0.stopped } }

    /// Runs `body` in the background unless shutting down.
    func run(_ body: @escaping @Sendable () async -> Void) {
        let id = UUID()
        state.withLockedValue { s in
            guard !s.stopped else { return }
            s.tasks[id] = Task {
                await body()
                _ = self.state.withLockedValue { $0.tasks.removeValue(forKey: id) }
            }
        }
    }

    func shutdownAsync(_ application: Application) async {
        let running = state.withLockedValue { s in
            s.stopped = true
            return Array(s.tasks.values)
        }
        for task in running { await task.value }
    }
}

extension Application {
    private struct BackgroundWorkKey: StorageKey { typealias Value = BackgroundWork }

    var background: BackgroundWork { single(BackgroundWorkKey.self, BackgroundWork.init) }
}
