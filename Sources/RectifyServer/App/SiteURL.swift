import Vapor
import RectifyCore

/// Every page and endpoint of the web interface, used both to register routes and to
/// build links, so a link cannot point nowhere. `pattern` is the route with its ids
/// as parameters (`/tasks/:id`); `path` is one concrete address.
enum SiteURL: Equatable {
    case home
    case login
    case logout
    case healthz
    case stylesheet
    case script
    case inspections
    case inspection(Int)
    case inspectionNew
    case problemNew(Int)
    case taskNew(Int)
    case ledger
    case task(Int)
    case taskAct(Int, TaskAction)
    case taskReport(Int)
    case taskExtension(Int)
    case taskVerification(Int)
    case taskLookBack(Int)
    case taskInstruction(Int)
    case taskSplit(Int)
    case taskLineage(Int)
    case acceptanceDocument(Int, Int)
    case inspectionChain(Int)
    case taskEvidence(Int)
    case evidencePublish(Int)
    case reportReview(Int)
    case extensionDecide(Int)
    case noticeObjection(Int)
    case objectionAnswer(Int)
    case myWork
    case rounds
    case round(Int)
    case roundClose(Int)
    case orders
    case orderReply(Int)
    case orderClose(Int)
    case ledgerImport(Int)
    case reportImport
    case report(Int)
    case adminUsers
    case adminUserActive(Int)
    case adminUserUnlock(Int)
    case adminUnits
    case adminRegions
    case tokens
    case tokenRevoke(Int)
    case publicHome
    case publicInspection(Int)
    case publicEvidence(Int)
    case publicObjection(Int)
    case publicPetitionBatch(Int)
    case publicPetitions(Int)
    case publicIndicators(Int)
    case notifications
    case notificationRead(Int)
    case notificationsReadAll
    case channels
    case channelActive(Int)
    case adminScheduler
    case petitions
    case accountability
    case accountabilityPeople(Int)
    case indicators
    case indicatorValues
    case indicatorTargets
    case indicatorImport
    case indicatorCatalogue
    case inspectionPlans(Int)
    case planWithdrawal(Int)
    case planDocumentWeb(Int)
    case petitionCase(Int)
    case petitionProgress(Int)
    case petitionLink(Int)
    // JSON API addresses the pages link to (downloads).
    case exportXLSX
    case exportCSV
    case evidence(Int)
    case reportDownload(Int)

    /// (path template, ids in order)
    private var parts: (String, [Int]) {
        switch self {
        case .home: ("/", [])
        case .login: ("/login", [])
        case .logout: ("/logout", [])
        case .healthz: ("/healthz", [])
        case .stylesheet: ("/assets/rectify.css", [])
        case .script: ("/assets/rectify.js", [])
        case .inspections: ("/inspections", [])
        case .inspection(let id): ("/inspections/:id", [id])
        case .inspectionNew: ("/inspections/new", [])
        case .problemNew(let id): ("/inspections/:id/problems", [id])
        case .taskNew(let id): ("/inspections/:id/tasks/new", [id])
        case .ledger: ("/ledger", [])
        case .task(let id): ("/tasks/:id", [id])
        case .taskAct(let id, _): ("/tasks/:id/act/:action", [id])
        case .taskReport(let id): ("/tasks/:id/report", [id])
        case .taskExtension(let id): ("/tasks/:id/extension", [id])
        case .taskVerification(let id): ("/tasks/:id/verification", [id])
        case .taskLookBack(let id): ("/tasks/:id/lookback", [id])
        case .taskInstruction(let id): ("/tasks/:id/instruction", [id])
        case .taskSplit(let id): ("/tasks/:id/split", [id])
        case .taskLineage(let id): ("/tasks/:id/lineage", [id])
        case .inspectionChain(let id): ("/inspections/:id/acceptance-chain", [id])
        case .taskEvidence(let id): ("/tasks/:id/evidence", [id])
        case .evidencePublish(let id): ("/evidence/:id/publish", [id])
        case .reportReview(let id): ("/reports/:id/review", [id])
        case .extensionDecide(let id): ("/extensions/:id/decide", [id])
        case .noticeObjection(let id): ("/notices/:id/objection", [id])
        case .objectionAnswer(let id): ("/objections/:id/answer", [id])
        case .myWork: ("/my", [])
        case .rounds: ("/rounds", [])
        case .round(let id): ("/rounds/:id", [id])
        case .roundClose(let id): ("/rounds/:id/close", [id])
        case .orders: ("/orders", [])
        case .orderReply(let id): ("/orders/:id/reply", [id])
        case .orderClose(let id): ("/orders/:id/close", [id])
        case .ledgerImport(let id): ("/inspections/:id/import", [id])
        case .reportImport: ("/import-report", [])
        case .report(let id): ("/inspections/:id/report", [id])
        case .adminUsers: ("/admin/users", [])
        case .adminUserActive(let id): ("/admin/users/:id/active", [id])
        case .adminUserUnlock(let id): ("/admin/users/:id/unlock", [id])
        case .adminUnits: ("/admin/units", [])
        case .adminRegions: ("/admin/regions", [])
        case .tokens: ("/tokens", [])
        case .tokenRevoke(let id): ("/tokens/:id/revoke", [id])
        case .publicHome: ("/public", [])
        case .publicInspection(let id): ("/public/inspections/:id", [id])
        case .publicEvidence(let id): ("/public/evidence/:id", [id])
        case .publicObjection(let id): ("/public/notices/:id/objections", [id])
        case .publicPetitionBatch(let id): ("/public/petition-batches/:id", [id])
        case .publicPetitions(let id): ("/public/inspections/:id/petitions", [id])
        case .publicIndicators(let id): ("/public/inspections/:id/indicators", [id])
        case .notifications: ("/notifications", [])
        case .notificationRead(let id): ("/notifications/:id/read", [id])
        case .notificationsReadAll: ("/notifications/read-all", [])
        case .channels: ("/channels", [])
        case .channelActive(let id): ("/channels/:id/active", [id])
        case .adminScheduler: ("/admin/scheduler", [])
        case .petitions: ("/petitions", [])
        case .accountability: ("/accountability", [])
        case .accountabilityPeople(let id): ("/accountability/:id/people", [id])
        case .indicators: ("/indicators", [])
        case .indicatorValues: ("/indicators/values", [])
        case .indicatorTargets: ("/indicators/targets", [])
        case .indicatorImport: ("/indicators/import", [])
        case .indicatorCatalogue: ("/indicators/catalogue", [])
        case .inspectionPlans(let id): ("/inspections/:id/plans", [id])
        case .planWithdrawal(let id): ("/inspections/:id/plans/withdrawal", [id])
        case .planDocumentWeb(let id): ("/plans/:id/document", [id])
        case .petitionCase(let id): ("/petitions/:id", [id])
        case .petitionProgress(let id): ("/petitions/:id/progress", [id])
        case .petitionLink(let id): ("/petitions/:id/task", [id])
        // The API's own operations, so these links cannot drift from the registered routes.
        case .exportXLSX: (APIOperation.tasksXLSX.pattern, [])
        case .exportCSV: (APIOperation.tasksCSV.pattern, [])
        case .evidence(let id): (APIOperation.evidence.pattern, [id])
        case .reportDownload(let id): (APIOperation.inspectionReport.pattern, [id])
        case .acceptanceDocument(let id, _): (APIOperation.acceptanceDocument.pattern, [id])
        }
    }

    var path: String {
        var (template, ids) = parts
        if case .taskAct(_, let action) = self { template = template.replacingOccurrences(of: ":action", with: action.rawValue) }
        if case .acceptanceDocument(_, let entry) = self { template = template.replacingOccurrences(of: ":entry", with: String(entry)) }
        for id in ids {
            if let r = template.range(of: ":id") { template.replaceSubrange(r, with: String(id)) }
        }
        return template
    }

    /// The path with a query string built from non-empty values, in the order given.
    func with(_ query: [(String, String?)]) -> String {
        let items = query.compactMap { k, v in v.flatMap { $0.isEmpty ? nil : "\(k)=\($0.addingPercentEncoding(withAllowedCharacters: .urlQueryValue) ?? $0)" } }
        return items.isEmpty ? path : path + "?" + items.joined(separator: "&")
    }

    var pathComponents: [PathComponent] {
        parts.0.split(separator: "/").map { PathComponent(stringLiteral: String($0)) }
    }
}

extension CharacterSet {
    static let urlQueryValue: CharacterSet = {
        var s = CharacterSet.urlQueryAllowed
        s.remove(charactersIn: "&=+?#")
        return s
    }()
}
