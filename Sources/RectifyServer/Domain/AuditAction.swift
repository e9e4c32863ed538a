import RectifyCore

/// Every action the audit trail records, with the words the timeline shows for it. The
/// raw values are what the trail has always stored (no migration); a new kind of write
/// adds a case here, so no action reaches a page as its code name.
enum AuditAction: String, Labelled {
    // The lifecycle's transitions (TaskAction's raw values).
    case assign, claim, submitCompletion, acceptPass, acceptBasicallyComplete, acceptFail
    case openNotice, upholdObjection, close, lookBackRebound
    // Tasks.
    case taskEdit = "task.edit", taskImport = "task.import", taskRecompute = "task.recompute"
    case deadlineExtended = "deadline.extended"
    // Progress reports.
    case reportSubmit = "report.submit", reportAccept = "report.accept", reportReturn = "report.return"
    /// The task's side of an accepted report (milestones reached, percent).
    case reportAccepted = "report.accepted"
    // Extensions.
    case extensionRequest = "extension.request", extensionApproved = "extension.approved", extensionRefused = "extension.refused"
    // Records on a task.
    case entryCompletion = "entry.completion", entryVerification = "entry.verification", entryAcceptance = "entry.acceptance"
    case entryNotice = "entry.notice", entryObjection = "entry.objection", entryLookBack = "entry.lookBack"
    case entryInstruction = "entry.instruction"
    case objectionAnswer = "objection.answer", lookBackCompleted = "lookBack.completed"
    // Evidence.
    case evidenceUpload = "evidence.upload", evidencePublish = "evidence.publish", evidenceUnpublish = "evidence.unpublish"
    // Supervision orders and dispatch rounds.
    case orderIssue = "order.issue", orderReply = "order.reply", orderClose = "order.close"
    case roundOpen = "round.open", roundClose = "round.close"
    // Inspections and imports.
    case inspectionFromReport = "inspection.fromReport", ledgerImport = "ledger.import"
    /// Made one at a time on the office's pages (until issue 11's caches, these wrote no event).
    case inspectionCreate = "inspection.create", problemCreate = "problem.create", taskCreate = "task.create"
    // Administration.
    case settingsUpdate = "settings.update", tokenCreate = "token.create", tokenRevoke = "token.revoke"
    case unitCreate = "unit.create"
    case userCreate = "user.create", userUnlock = "user.unlock", userActivate = "user.activate", userDeactivate = "user.deactivate"
    // Notifications.
    case channelCreate = "channel.create", channelSwitch = "channel.switch", notificationRead = "notification.read"
    /// The scheduler's reminders of a day, a batch at a time.
    case remindersIssued = "reminders.issued"
    // Petition cases.
    case petitionBatchCreate = "petitionBatch.create", petitionCreate = "petition.create", petitionProgress = "petition.progress",
         petitionLink = "petition.link",
         /// A batch's historical cases written at once (the demo's seed figures), with their count.
         petitionBatchLoad = "petitionBatch.load"
    case accountabilityCreate = "accountability.create", accountabilityPerson = "accountability.person"
    /// An objection a citizen made on the public page during 公示.
    case objectionPublic = "objection.public"
    // Levels (issue 14).
    case taskSplit = "task.split", taskRollup = "task.rollup", taskReopenedBySubtask = "task.reopenedBySubtask"
    case problemLink = "problem.link", inspectionAcceptanceChain = "inspection.acceptanceChain"
    // Plans and indicators (issue 15).
    case planApprove = "plan.approve", planWithdraw = "plan.withdraw", indicatorCreate = "indicator.create", indicatorTarget = "indicator.target"
    case indicatorValue = "indicator.value", indicatorImport = "indicator.import"

    init(_ action: TaskAction) {
        // Every TaskAction has its case above, by the same raw value.
        self = AuditAction(rawValue: action.rawValue) ?? .taskEdit
    }

    init(_ kind: TaskEntryKind) {
        switch kind {
        case .completion: self = .entryCompletion
        case .verification: self = .entryVerification
        case .acceptance: self = .entryAcceptance
        case .notice: self = .entryNotice
        case .objection: self = .entryObjection
        case .lookBack: self = .entryLookBack
        case .instruction: self = .entryInstruction
        }
    }

    init(decided status: ExtensionStatus) {
        self = status == .approved ? .extensionApproved : .extensionRefused
    }

    var label: String {
        switch self {
        case .assign: TaskAction.assign.label
        case .claim: TaskAction.claim.label
        case .submitCompletion: TaskAction.submitCompletion.label
        case .acceptPass: TaskAction.acceptPass.label
        case .acceptBasicallyComplete: TaskAction.acceptBasicallyComplete.label
        case .acceptFail: TaskAction.acceptFail.label
        case .openNotice: TaskAction.openNotice.label
        case .upholdObjection: TaskAction.upholdObjection.label
        case .close: TaskAction.close.label
        case .lookBackRebound: TaskAction.lookBackRebound.label
        case .taskEdit: "修改任务"
        case .taskImport: "台账导入更新"
        case .taskRecompute: "按日期重算预警"
        case .deadlineExtended: "整改时限延后"
        case .reportSubmit: "报送进展"
        case .reportAccept, .reportAccepted: "采纳进展"
        case .reportReturn: "退回进展"
        case .extensionRequest: "申请延期"
        case .extensionApproved: "同意延期"
        case .extensionRefused: "不同意延期"
        case .entryCompletion: "申请验收"
        case .entryVerification: "现场核查"
        case .entryAcceptance: "验收意见"
        case .entryNotice: "公示"
        case .entryObjection: "登记公示异议"
        case .entryLookBack: "回头看"
        case .entryInstruction: "领导批示"
        case .objectionAnswer: "答复异议"
        case .lookBackCompleted: "完成回头看"
        case .evidenceUpload: "上传佐证材料"
        case .evidencePublish: "公开佐证材料"
        case .evidenceUnpublish: "撤回公开佐证材料"
        case .orderIssue: "发出督办单"
        case .orderReply: "回复督办单"
        case .orderClose: "办结督办单"
        case .roundOpen: "发起调度"
        case .roundClose: "结束调度"
        case .inspectionFromReport: "按报告建立督察"
        case .inspectionCreate: "建立督察"
        case .problemCreate: "添加反馈问题"
        case .taskCreate: "建立整改任务"
        case .ledgerImport: "台账导入"
        case .settingsUpdate: "修改预警阈值"
        case .tokenCreate: "新建 API 令牌"
        case .tokenRevoke: "吊销 API 令牌"
        case .unitCreate: "新建单位"
        case .userCreate: "新建用户"
        case .userUnlock: "解除登录限制"
        case .userActivate: "启用用户"
        case .userDeactivate: "停用用户"
        case .channelCreate: "新建推送渠道"
        case .channelSwitch: "启用或停用推送渠道"
        case .notificationRead: "标记通知已读"
        case .remindersIssued: "生成到期提醒"
        case .petitionBatchCreate: "登记交办批次"
        case .petitionCreate: "登记信访举报件"
        case .petitionProgress: "填报信访件办理情况"
        case .petitionLink: "信访件关联整改任务"
        case .petitionBatchLoad: "批量载入批次的信访件"
        case .accountabilityCreate: "登记问题线索"
        case .accountabilityPerson: "登记被追责人员"
        case .objectionPublic: "公众网上提出异议"
        case .taskSplit: "分解子任务"
        case .taskRollup: "按子任务汇总进度"
        case .taskReopenedBySubtask: "子任务反弹,任务重新整改"
        case .problemLink: "关联此前督察的问题"
        case .inspectionAcceptanceChain: "设置逐级验收流程"
        case .planApprove: "登记整改方案(批准版本)"
        case .planWithdraw: "登记任务核减"
        case .indicatorCreate: "新增目标指标"
        case .indicatorTarget: "设置指标基准和目标"
        case .indicatorValue: "填报指标监测值"
        case .indicatorImport: "导入指标监测值"
        }
    }

    /// The words for a stored action; an action this version does not know shows as stored.
    static func words(_ stored: String) -> String { AuditAction(rawValue: stored)?.label ?? stored }
}
