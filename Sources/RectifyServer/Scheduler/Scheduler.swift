import Fluent
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import Vapor
import RectifyCore

/// One run of a scheduled job for one day. The row is also the lease: the instance that
/// inserts it (or takes over a failed or expired one) does the job, and every other
/// instance on the same database sees that it is done or under way (issue 12 §2).
final class SchedulerRun: Model, @unchecked Sendable {
    static let schema = "scheduler_runs"

    @ID(custom: .id) var id: Int?
    @Field(key: "job") var job: String
    @Field(key: "day") var day: String
    @Field(key: "state") var state: SchedulerRunState
    @Field(key: "holder") var holder: String
    @Field(key: "attempts") var attempts: Int
    @Field(key: "started_at") var startedAt: Date
    @Field(key: "lease_until") var leaseUntil: Date
    @OptionalField(key: "finished_at") var finishedAt: Date?
    @Field(key: "detail") var detail: String

    init() {}
}

enum SchedulerRunState: String, Labelled {
    case running, done, failed
    var label: String {
        switch self {
        case .running: "进行中"
        case .done: "完成"
        case .failed: "失败"
        }
    }
}

/// What the scheduler does once a day, in this order.
enum SchedulerJob: String, Labelled {
    /// Every open task's light and public status made true for the day.
    case recompute
    /// Deadlines near or passed, claims, reports and orders overdue, tasks to escalate:
    /// each becomes a notification (once: a second run adds none).
    case deadlines
    var label: String {
        switch self {
        case .recompute: "预警灯与公开状态重算"
        case .deadlines: "到期与逾期提醒"
        }
    }
}

/// The lease of a job for a day, in the database, so that several instances on one
/// PostgreSQL do each day's job once, and a restart does not do it again.
enum SchedulerLease {
    enum Outcome: Equatable {
        /// This instance holds the run now.
        case acquired(Int)
        /// Done for this day (and no run of another day has finished since).
        case done
        /// Another instance holds it until then.
        case heldElsewhere(until: Date)
    }

    static func acquire(_ job: SchedulerJob, day: LocalDate, holder: String, now: Date, lease: TimeInterval,
                        on db: any Database) async throws -> Outcome {
        for _ in 0..<3 {
            guard let run = try await find(job, day: day, on: db) else {
                let run = SchedulerRun()
                run.job = job.rawValue
                run.day = day.iso
                run.state = .running
                run.holder = holder
                run.attempts = 1
                run.startedAt = now
                run.leaseUntil = now.addingTimeInterval(lease)
                run.detail = ""
                do {
                    try await run.create(on: db)
                    return .acquired(try run.requireID())
                } catch {
                    // Another instance inserted it first (unique job and day): read theirs.
                    continue
                }
            }
            switch run.state {
            case .done:
                // A clock set back to a day already done (tests, a corrected clock) must redo it:
                // the stored values were made true for a later day since.
                if try await latestDone(job, on: db) == day.iso { return .done }
            case .running where run.leaseUntil > now:
                return .heldElsewhere(until: run.leaseUntil)
            case .running, .failed:
                break
            }
            // Take over: only if nobody changed the row since it was read.
            let attempts = run.attempts
            try await SchedulerRun.query(on: db).filter(\.$id == run.requireID()).filter(\.$attempts == attempts)
                .filter(\.$holder == run.holder)
                .set(\.$state, to: .running).set(\.$holder, to: holder).set(\.$attempts, to: attempts + 1)
                .set(\.$startedAt, to: now).set(\.$leaseUntil, to: now.addingTimeInterval(lease))
                .set(\.$finishedAt, to: nil).set(\.$detail, to: "")
                .update()
            if let mine = try await find(job, day: day, on: db), mine.holder == holder, mine.attempts == attempts + 1 {
                return .acquired(try mine.requireID())
            }
        }
        // Three rounds of losing races: someone else is on it.
        return .heldElsewhere(until: now)
    }

    static func finish(_ id: Int, holder: String, state: SchedulerRunState, detail: String, now: Date, on db: any Database) async throws {
        try await SchedulerRun.query(on: db).filter(\.$id == id).filter(\.$holder == holder)
            .set(\.$state, to: state).set(\.$finishedAt, to: now).set(\.$detail, to: String(detail.prefix(2_000)))
            .update()
    }

    static func find(_ job: SchedulerJob, day: LocalDate, on db: any Database) async throws -> SchedulerRun? {
        try await SchedulerRun.query(on: db).filter(\.$job == job.rawValue).filter(\.$day == day.iso).first()
    }

    static func latestDone(_ job: SchedulerJob, on db: any Database) async throws -> String? {
        try await SchedulerRun.query(on: db).filter(\.$job == job.rawValue).filter(\.$state == .done)
            .sort(\.$finishedAt, .descending).sort(\.$id, .descending).first()?.day
    }
}

/// The scheduler inside every server (issue 12 §2): on by default, it checks every
/// minute, and at the change of day (China time) makes the day's statuses true and
/// sends the day's reminders; between times it delivers what waits in the outbound
/// queue. Every job takes its lease in the database first, so two instances do not both
/// do it, and a run that died is taken over when its lease runs out.
final class Scheduler: Sendable {
    /// Names this process in the runs it holds.
    let holder: String
    /// How long a run may hold its lease before another instance takes it over.
    static let lease: TimeInterval = 10 * 60
    /// How long a request waits for another instance's recompute before doing its own.
    static let waitForOthers: TimeInterval = 60

    init() {
        holder = "\(ProcessInfo.processInfo.hostName.prefix(40))#\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"
    }

    /// Runs `job` for `day` unless it is done or another instance holds it. The job
    /// answers a line for the admin's list of runs.
    @discardableResult
    func run(_ job: SchedulerJob, day: LocalDate, _ app: Application,
             _ work: @Sendable () async throws -> String) async throws -> SchedulerLease.Outcome {
        let outcome = try await SchedulerLease.acquire(job, day: day, holder: holder, now: Date(), lease: Self.lease, on: app.db)
        guard case .acquired(let id) = outcome else { return outcome }
        do {
            let detail = try await work()
            try await SchedulerLease.finish(id, holder: holder, state: .done, detail: detail, now: Date(), on: app.db)
        } catch {
            try? await SchedulerLease.finish(id, holder: holder, state: .failed, detail: String(describing: error), now: Date(), on: app.db)
            throw error
        }
        return outcome
    }

    /// The recompute of the day, shared: held here, or waited for while another
    /// instance does it (up to `waitForOthers`; then done here as well, which is safe,
    /// since a recompute writes and audits only what is still stale).
    func recompute(day: LocalDate, _ app: Application, _ work: @escaping @Sendable () async throws -> String) async throws {
        let started = Date()
        while true {
            let outcome = try await run(.recompute, day: day, app, work)
            guard case .heldElsewhere = outcome else { return }
            if app.background.isStopped { return }
            if Date().timeIntervalSince(started) > Self.waitForOthers {
                app.logger.warning("recompute for \(day.iso) held elsewhere for over \(Int(Self.waitForOthers)) s; doing it here too")
                _ = try await work()
                return
            }
            try await Task.sleep(nanoseconds: 250_000_000)
        }
    }

    /// One tick: the day's jobs (each once per day across instances), then the outbound queue.
    func tick(_ app: Application) async {
        let day = app.clock.today
        do {
            try await app.statusFreshness.ensure(app)
            try await run(.deadlines, day: day, app) {
                let made = try await DeadlineWatch.run(app, day: day)
                return "生成提醒 \(made) 条"
            }
        } catch {
            app.logger.error("scheduled jobs for \(day.iso) failed: \(String(reflecting: error))")
        }
        // The queue drains on its own; the day's jobs do not wait for it.
        app.deliverer.kick(app)
    }

    private let ticking = NIOLockedValueBox(false)

    /// Checks every minute; the first tick a second after start. A tick still running
    /// when the next is due is not joined by a second one.
    func start(_ app: Application) {
        let task = app.eventLoopGroup.next().scheduleRepeatedTask(initialDelay: .seconds(1), delay: .minutes(1)) { _ in
            let begin = self.ticking.withLockedValue { busy -> Bool in
                if busy { return false }
                busy = true
                return true
            }
            guard begin else { return }
            app.background.run {
                await self.tick(app)
                self.ticking.withLockedValue { $0 = false }
            }
        }
        app.storage.set(TimerKey.self, to: task, onShutdown: { $0.cancel() })
        app.deliverer.startPolling(app)
    }

    struct TimerKey: StorageKey { typealias Value = RepeatedTask }
}

extension Application {
    private struct SchedulerKey: StorageKey { typealias Value = Scheduler }

    var scheduler: Scheduler { single(SchedulerKey.self, Scheduler.init) }
}
