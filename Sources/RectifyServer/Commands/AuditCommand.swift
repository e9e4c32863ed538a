import Fluent
import Vapor

/// `rectify audit verify`: recomputes the audit chain and names the first broken link.
struct AuditVerifyCommand: AsyncCommand {
    struct Signature: CommandSignature { init() {} }
    var help: String { "校验留痕记录的哈希链" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await app.prepareDatabase()
        let result = try await Audit.verify(on: app.db)
        if let broken = result.firstBroken {
            throw StartupError("留痕记录被篡改:第 \(broken.id) 号事件\(broken.reason)。此前 \(result.checked) 条记录完好。")
        }
        context.console.print("留痕记录完好:共 \(result.checked) 条事件,哈希链完整。")
    }
}

struct AuditCommands: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] { ["verify": AuditVerifyCommand()] }
    var help: String { "留痕:verify 校验哈希链" }
}

/// `rectify recompute`: refreshes every open task's light and public status for today.
/// Run it daily (cron): time alone turns lights yellow and red.
struct RecomputeCommand: AsyncCommand {
    struct Signature: CommandSignature { init() {} }
    var help: String { "按今天的日期重算所有在办任务的预警灯和整改状态" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await app.prepareDatabase()
        let today = app.clock.today
        let changed = try await TaskAssessment.recomputeAll(on: app.db, today: today, now: app.clock.now())
        try await app.refreshPlannerStatistics(force: false)
        context.console.print("已按\(today.chinese)重算,\(changed) 项任务的预警或状态有变化。")
    }
}
