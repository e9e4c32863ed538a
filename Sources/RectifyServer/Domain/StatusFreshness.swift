import NIOConcurrencyHelpers
import NIOCore
import Vapor
import RectifyCore

/// Stored lights and public statuses are true for today before anything reads them.
/// Time alone turns a task yellow or red, and the ledger, exports and reports read
/// the stored values while the task page computes its own: unless every stored value
/// is recomputed when the day changes, two views of one task disagree (task 3 showed
/// 红灯 on its page and 达到序时进度 in the report). So the first request of a new day
/// (China time) recomputes every open task before it is answered, and a timer does it
/// at the change of day so that no user waits. Each instance keeps its own day; the
/// recompute itself is a scheduler job leased in the database, so of several instances
/// one does it and the others wait for it (and it writes only what changed, so even two
/// doing it agree).
final class StatusFreshness: Sendable {
    private let fresh = NIOLockedValueBox<LocalDate?>(nil)
    private let gate = Gate()

    /// Whether the stored values are already true for `today`.
    func isFresh(for today: LocalDate) -> Bool { fresh.withLockedValue { $0 } == today }

    /// Makes the stored values true for `app.clock.today`; cheap when they already are.
    func ensure(_ app: Application) async throws {
        let today = app.clock.today
        if isFresh(for: today) { return }
        try await gate.once(for: today) {
            try await app.scheduler.recompute(day: today, app) {
                let changed = try await TaskAssessment.recomputeAll(on: app.db, today: today, now: app.clock.now())
                if changed > 0 { try await app.refreshPlannerStatistics(force: false) }
                app.logger.notice("lights and statuses recomputed for \(today.iso): \(changed) tasks changed")
                return "\(changed) 项任务的预警灯或公开状态有变化"
            }
        }
        fresh.withLockedValue { $0 = today }
    }

    /// One recompute at a time: requests that arrive while one runs wait for it.
    private actor Gate {
        var done: LocalDate?
        var running: (LocalDate, Task<Void, any Error>)?

        func once(for day: LocalDate, _ work: @escaping @Sendable () async throws -> Void) async throws {
            if done == day { return }
            if let (d, task) = running, d == day { return try await task.value }
            let task = Task { try await work() }
            running = (day, task)
            // Only this day's entry: a newer day's may have replaced it meanwhile.
            defer { if running?.0 == day { running = nil } }
            try await task.value
            done = day
        }
    }
}

/// Runs `StatusFreshness.ensure` before every request that reads or writes tasks.
/// Synchronous on every request of a day but its first.
struct StatusFreshnessMiddleware: Middleware {
    func respond(to req: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        let app = req.application
        if app.statusFreshness.isFresh(for: app.clock.today) { return next.respond(to: req) }
        return req.eventLoop.makeFutureWithTask {
            do {
                try await app.statusFreshness.ensure(app)
            } catch {
                // Serving on is better than refusing every page; the next request tries again.
                req.logger.error("recompute before request failed: \(String(reflecting: error))")
            }
        }.flatMap { next.respond(to: req) }
    }
}

extension Application {
    private struct FreshnessKey: StorageKey { typealias Value = StatusFreshness }

    var statusFreshness: StatusFreshness { single(FreshnessKey.self, StatusFreshness.init) }
}
