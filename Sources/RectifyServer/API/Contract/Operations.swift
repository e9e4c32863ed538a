import Vapor
import RectifyCore

/// Every operation of /api/v1. Register with `api.on(.task, use: …)`; a page links to one
/// through SiteURL, whose API cases take `APIOperation.task.pattern`.
extension APIOperation {
    private static let anyone = "任何已登录用户"
    private static let readers = "能看到该任务的用户(整改办、领导看本地区;单位看本单位承担的任务;管理员看全部)"
    private static let office = "整改办(本地区)或管理员"
    private static let docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    private static let xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    private static let ledgerFile = [xlsx, "text/csv"]
    static let ledgerFilters = Parameter.all(of: LedgerQuery.Filter.self)

    // MARK: Session and contract

    static let openAPI = Self(method: .GET, template: "/openapi.json", id: "openAPI", summary: "本 API 的 OpenAPI 3.1 描述",
                              who: "任何人", answer: .json(.ok, .object([])), isPublic: true)
    static let session = Self(method: .GET, template: "/session", id: "session",
                              summary: "当前登录的用户;Cookie 登录时还给出写操作要带的 X-CSRF-Token", who: anyone)

    // MARK: Tasks (台账)

    static let tasks = Self(method: .GET, template: "/tasks", id: "listTasks", summary: "台账:按筛选条件分页列出任务",
                            who: "按角色限定范围:整改办、领导看本地区;单位、验收单位看本单位承担的任务", query: ledgerFilters)
    static let tasksCSV = Self(method: .GET, template: "/tasks/export.csv", id: "exportTasksCSV", summary: "台账导出 CSV(与列表同一筛选)",
                               who: "同台账", query: ledgerFilters, answer: .file(["text/csv"]))
    static let tasksXLSX = Self(method: .GET, template: "/tasks/export.xlsx", id: "exportTasksXLSX", summary: "台账导出 Excel(与列表同一筛选)",
                                who: "同台账", query: ledgerFilters, answer: .file([xlsx]))
    static let task = Self(method: .GET, template: "/tasks/:id", id: "getTask", summary: "任务详情,含此用户现在可做的操作", who: readers)
    static let taskTimeline = Self(method: .GET, template: "/tasks/:id/timeline", id: "getTaskTimeline",
                                   summary: "任务的全部留痕(审计事件)", who: readers, query: Parameter.paging)
    static let taskEdit = Self(method: .PATCH, template: "/tasks/:id", id: "editTask", summary: "修改任务的名称、目标、措施、牵头领导",
                               who: office, body: .of(TaskAPI.Edit.self))
    static let taskAct = Self(method: .POST, template: "/tasks/:id/actions/:action", id: "actOnTask",
                              summary: "流转操作(交办、认领、申请验收、验收、公示、销号……),规则见 docs/lifecycle.md",
                              who: "按操作和角色,见 docs/lifecycle.md", body: .of(LifecycleService.Payload.self))
    static let taskSubtasks = Self(method: .POST, template: "/tasks/:id/subtasks", id: "splitTask",
                                   summary: "把任务分解给下级地区或单位(子任务),子任务的进度逐级汇总到本任务",
                                   who: office, body: .of(SubtaskService.NewSubtask.self),
                                   answer: .of(TaskAPI.Detail.self, .created))
    static let taskLineage = Self(method: .GET, template: "/tasks/:id/lineage", id: "getTaskLineage",
                                  summary: "任务所对应问题的沿革:此前督察的同一问题、此后督察发现的同一问题或整改不到位",
                                  who: readers)
    static let problemLinks = Self(method: .POST, template: "/problems/:id/links", id: "linkProblem",
                                   summary: "把本次督察的问题关联到此前督察的问题(同一问题或整改不到位)",
                                   who: "该督察所属地区的整改办或管理员", body: .of(LineageService.NewLink.self),
                                   answer: .of(TaskAPI.Recorded.self, .created))
    static let taskReports = Self(method: .POST, template: "/tasks/:id/reports", id: "submitReport", summary: "责任单位报送进展",
                                  who: "任务的责任单位、配合单位", body: .of(ReportService.NewReport.self),
                                  answer: .of(TaskAPI.Created<ReportStatus>.self, .created))
    static let taskExtensions = Self(method: .POST, template: "/tasks/:id/extensions", id: "requestExtension", summary: "申请延期",
                                     who: "任务的责任单位", body: .of(OversightService.NewExtension.self),
                                     answer: .of(TaskAPI.Created<ExtensionStatus>.self, .created))
    static let taskVerifications = Self(method: .POST, template: "/tasks/:id/verifications", id: "recordVerification",
                                        summary: "记录核查(现场核查、抽查)", who: "整改办、验收单位",
                                        body: .of(OversightService.NewVerification.self), answer: .of(TaskAPI.Recorded.self, .created))
    static let taskLookBacks = Self(method: .POST, template: "/tasks/:id/lookbacks", id: "recordLookBack",
                                    summary: "安排或记录回头看", who: office, body: .of(OversightService.NewLookBack.self),
                                    answer: .of(TaskAPI.Created<EntryVerdict>.self, .created))
    static let taskInstructions = Self(method: .POST, template: "/tasks/:id/instructions", id: "recordInstruction",
                                       summary: "记录领导批示", who: "领导、整改办", body: .of(OversightService.NewInstruction.self),
                                       answer: .of(TaskAPI.Recorded.self, .created))
    static let noticeObjections = Self(method: .POST, template: "/notices/:id/objections", id: "recordObjection",
                                       summary: "记录公示期间的异议", who: office, body: .of(OversightService.NewObjection.self),
                                       answer: .of(TaskAPI.Recorded.self, .created))
    static let objectionAnswer = Self(method: .POST, template: "/objections/:id/answer", id: "answerObjection",
                                      summary: "答复异议(成立或不成立)", who: office, body: .of(OversightService.Answer.self))
    static let reportReview = Self(method: .POST, template: "/reports/:id/review", id: "reviewReport", summary: "审核进展报送(通过或退回)",
                                   who: office, body: .of(ReportService.Review.self))
    static let extensionDecision = Self(method: .POST, template: "/extensions/:id/decision", id: "decideExtension",
                                        summary: "审批延期申请", who: office, body: .of(OversightService.Decision.self))
    static let lookBacksDue = Self(method: .GET, template: "/lookbacks/due", id: "listDueLookBacks",
                                   summary: "已安排、尚未进行的回头看", who: office, query: Parameter.paging)

    // MARK: Evidence (佐证材料)

    static let taskEvidenceUpload = Self(method: .POST, template: "/tasks/:id/evidence", id: "uploadEvidence",
                                         summary: "上传佐证材料:请求体是文件本身", who: "任务的承担单位、整改办",
                                         query: [.optional("name", .string(format: nil), "文件名(含扩展名)"),
                                                 .optional("report", .integer, "挂到这次进展报送上")],
                                         body: .file(["application/octet-stream"]), answer: .of(EvidenceAPI.Out.self, .created))
    static let taskEvidence = Self(method: .GET, template: "/tasks/:id/evidence", id: "listEvidence", summary: "任务的佐证材料",
                                   who: readers, query: Parameter.paging)
    /// Every type an evidence file can be stored as (EvidenceType), or octet-stream.
    private static let evidenceTypes = Array(Set(EvidenceType.allCases.map(\.mimeType) + ["application/octet-stream"])).sorted()
    static let evidence = Self(method: .GET, template: "/evidence/:id", id: "downloadEvidence", summary: "下载佐证材料",
                               who: readers, answer: .file(evidenceTypes))
    static let evidencePublish = Self(method: .POST, template: "/evidence/:id/publish", id: "publishEvidence",
                                      summary: "公开或撤回一份佐证材料", who: office, body: .of(EvidenceAPI.Publish.self))

    // MARK: Dispatch rounds and supervision orders (调度、督办)

    static let rounds = Self(method: .GET, template: "/rounds", id: "listRounds", summary: "调度轮次,新的在前",
                             who: "整改办、领导(本地区)或管理员", query: Parameter.paging)
    static let roundOpen = Self(method: .POST, template: "/rounds", id: "openRound", summary: "发起一轮调度", who: office,
                                body: .of(RoundService.NewRound.self), answer: .of(RoundFigures.self, .created))
    static let round = Self(method: .GET, template: "/rounds/:id", id: "getRound", summary: "一轮调度的报送情况(单位 × 任务)",
                            who: "整改办、领导(本地区)或管理员")
    static let roundClose = Self(method: .POST, template: "/rounds/:id/close", id: "closeRound", summary: "结束调度并冻结数字", who: office)
    static let orders = Self(method: .GET, template: "/orders", id: "listOrders", summary: "督办单:未结的在前",
                             who: "整改办、领导看本地区;单位看发给本单位的", query: Parameter.paging)
    static let orderIssue = Self(method: .POST, template: "/orders", id: "issueOrder", summary: "下发督办单", who: office,
                                 body: .of(OversightService.NewOrder.self), answer: .of(OrderAPI.OrderOut.self, .created))
    static let orderSuggestions = Self(method: .GET, template: "/orders/suggestions", id: "listOrderSuggestions",
                                       summary: "建议督办:红灯超过阈值天数、尚无未结督办单的任务", who: office, query: ledgerFilters)
    static let orderReply = Self(method: .POST, template: "/orders/:id/reply", id: "replyOrder", summary: "单位答复督办单",
                                 who: "督办单所发的单位", body: .of(OversightService.Reply.self))
    static let orderClose = Self(method: .POST, template: "/orders/:id/close", id: "closeOrder", summary: "办结督办单", who: office)

    // MARK: Inspections, imports and the official report

    static let inspections = Self(method: .GET, template: "/inspections", id: "listInspections",
                                  summary: "督察及其任务数(按公开状态)", who: anyone, query: Parameter.paging)
    static let inspection = Self(method: .GET, template: "/inspections/:id", id: "getInspection", summary: "一次督察及其任务数", who: anyone)
    static let inspectionChain = Self(method: .GET, template: "/inspections/:id/acceptance-chain", id: "getAcceptanceChain",
                                      summary: "督察的逐级验收流程(空为一次验收)", who: "本地区整改办、领导或管理员")
    static let inspectionChainSet = Self(method: .PUT, template: "/inspections/:id/acceptance-chain", id: "setAcceptanceChain",
                                         summary: "设置逐级验收流程,如 县级初验 → 市级验收 → 省级验收销号", who: office,
                                         body: .of(InspectionAPI.Chain.self))
    static let acceptanceDocument = Self(method: .GET, template: "/tasks/:id/acceptances/:entry/document", id: "getAcceptanceDocument",
                                         summary: "一级验收的验收意见书(Word)", who: readers, answer: .file([docx]))
    static let inspectionReport = Self(method: .GET, template: "/inspections/:id/report", id: "getOfficialReport",
                                       summary: "整改落实情况报告:当日,或某日(date),或某轮调度冻结时(round)", who: "整改办、领导(本地区)或管理员",
                                       query: [.optional("format", .enumeration(["text", "html", "docx"]), "默认 text"),
                                               .optional("date", .string(format: "date"), "按这一天的状态出报告"),
                                               .optional("round", .integer, "按这轮调度结束时冻结的数字出报告")],
                                       answer: .file(["text/plain", "text/html", docx]))
    static let ledgerPreview = Self(method: .POST, template: "/inspections/:id/ledger/preview", id: "previewLedgerImport",
                                    summary: "台账导入预览:请求体是 XLSX 或 CSV 文件;不写入", who: office, body: .file(ledgerFile))
    static let ledgerImport = Self(method: .POST, template: "/inspections/:id/ledger/import", id: "importLedger",
                                   summary: "台账导入:每行都对时在一个事务里写入,否则 422、不写入", who: office, body: .file(ledgerFile))
    static let reportDrafts = Self(method: .POST, template: "/report-drafts", id: "parseReport",
                                   summary: "识别一份已发布的整改报告(不保存)", who: office, body: .reportText)
    static let inspectionFromReport = Self(method: .POST, template: "/inspections/from-report", id: "createInspectionFromReport",
                                           summary: "按核对过的识别结果建立督察、问题和任务", who: office,
                                           body: .of(ImportAPI.FromReport.self), answer: .of(ImportAPI.Created.self, .created))

    // MARK: Dashboard and settings

    static let dashboardCounts = Self(method: .GET, template: "/dashboard/counts", id: "getDashboardCounts",
                                      summary: "本范围内的任务数:按流转状态、预警灯、公开状态", who: anyone,
                                      query: [.optional("inspection", .integer, "只数这次督察")])
    static let unclaimed = Self(method: .GET, template: "/flags/unclaimed", id: "listUnclaimed",
                                summary: "交办后超过设定天数仍未认领的任务", who: office, query: ledgerFilters)
    static let settings = Self(method: .GET, template: "/settings", id: "getSettings", summary: "本地区的预警阈值", who: anyone)
    static let settingsUpdate = Self(method: .PUT, template: "/settings", id: "updateSettings", summary: "设置本地区的预警阈值",
                                     who: "整改办", body: .of(DashboardAPI.SettingsBody.self))

    // MARK: Reference lists

    static let units = Self(method: .GET, template: "/units", id: "listUnits", summary: "单位", who: anyone, query: Parameter.paging)
    static let regions = Self(method: .GET, template: "/regions", id: "listRegions", summary: "行政区划(一个省及其下级)", who: anyone,
                              query: [.optional("province", .integer, "省级区划代码,默认 210000")])
    static let users = Self(method: .GET, template: "/users", id: "listUsers", summary: "用户", who: "管理员", query: Parameter.paging)

    // MARK: Notifications and the scheduler (issue 12)

    static let notifications = Self(method: .GET, template: "/notifications", id: "listNotifications",
                                    summary: "本人的通知,新的在前", who: anyone,
                                    query: [.optional("unread", .boolean, "只列未读")] + Parameter.paging)
    static let notificationCount = Self(method: .GET, template: "/notifications/count", id: "countNotifications",
                                        summary: "本人的未读通知数", who: anyone)
    static let notificationRead = Self(method: .POST, template: "/notifications/:id/read", id: "readNotification",
                                       summary: "把本人的一条通知标为已读", who: "通知的接收人")
    static let notificationsReadAll = Self(method: .POST, template: "/notifications/read-all", id: "readAllNotifications",
                                           summary: "把本人的通知全部标为已读", who: anyone)
    static let channels = Self(method: .GET, template: "/channels", id: "listChannels",
                               summary: "推送渠道(企业微信、钉钉群机器人,电子邮件);密钥不显示", who: "整改办、领导(本地区)或管理员",
                               query: Parameter.paging)
    static let channelCreate = Self(method: .POST, template: "/channels", id: "createChannel", summary: "新建推送渠道",
                                    who: office, body: .of(ChannelService.NewChannel.self),
                                    answer: .of(ChannelAPI.ChannelOut.self, .created))
    static let channelActive = Self(method: .POST, template: "/channels/:id/active", id: "switchChannel",
                                    summary: "启用或停用推送渠道", who: office, body: .of(ChannelService.Switch.self))
    static let channelDeliveries = Self(method: .GET, template: "/channels/:id/deliveries", id: "listDeliveries",
                                        summary: "渠道发出的消息及每次尝试的结果,新的在前", who: "整改办、领导(本地区)或管理员",
                                        query: Parameter.paging)
    static let schedulerRuns = Self(method: .GET, template: "/scheduler/runs", id: "listSchedulerRuns",
                                    summary: "定时任务的运行记录,新的在前", who: "管理员", query: Parameter.paging)

    // MARK: Petition cases (信访举报件, issue 13)

    private static let petitionReaders = "整改办、领导看本地区;办理单位看交给本单位的"
    static let petitionBatches = Self(method: .GET, template: "/petition-batches", id: "listPetitionBatches",
                                      summary: "交办批次及各批信访件按办理状态的件数", who: petitionReaders, query: Parameter.paging)
    static let petitionBatchCreate = Self(method: .POST, template: "/petition-batches", id: "createPetitionBatch",
                                          summary: "登记督察组交办的一批信访举报件", who: office, body: .of(PetitionService.NewBatch.self),
                                          answer: .of(PetitionAPI.BatchOut.self, .created))
    static let petitionBatch = Self(method: .GET, template: "/petition-batches/:id", id: "getPetitionBatch",
                                    summary: "一个交办批次", who: petitionReaders)
    static let petitionHandlingList = Self(method: .GET, template: "/petition-batches/:id/handling-list", id: "getPetitionHandlingList",
                                           summary: "一批信访件的办理情况一览表(Excel 或可打印网页),不含举报人信息", who: petitionReaders,
                                           query: [.optional("format", .enumeration(["xlsx", "html"]), "默认 xlsx")],
                                           answer: .file([xlsx, "text/html"]))
    static let petitionImportPreview = Self(method: .POST, template: "/petition-batches/:id/import/preview", id: "previewPetitionImport",
                                            summary: "交办清单导入预览:请求体是 XLSX 或 CSV 文件;不写入", who: office, body: .file(ledgerFile))
    static let petitionImport = Self(method: .POST, template: "/petition-batches/:id/import", id: "importPetitions",
                                     summary: "交办清单导入:每行都对时在一个事务里写入(已有的受理编号不变),否则 422、不写入",
                                     who: office, body: .file(ledgerFile))
    static let petitionCases = Self(method: .GET, template: "/petition-cases", id: "listPetitionCases",
                                    summary: "信访举报件;举报人信息只给整改办和办理单位", who: petitionReaders,
                                    query: Parameter.all(of: PetitionAPI.Filter.self))
    static let petitionCaseCreate = Self(method: .POST, template: "/petition-cases", id: "createPetitionCase",
                                         summary: "登记一件信访举报件(同一对象此前被举报过的,标为重复举报并通知整改办)", who: office,
                                         body: .of(PetitionService.NewCase.self), answer: .of(PetitionAPI.CaseOut.self, .created))
    static let petitionCase = Self(method: .GET, template: "/petition-cases/:id", id: "getPetitionCase",
                                   summary: "一件信访举报件", who: petitionReaders)
    static let petitionProgress = Self(method: .POST, template: "/petition-cases/:id/progress", id: "reportPetitionProgress",
                                       summary: "填报核查和办理情况(待核查 → 办理中 → 阶段性办结 → 办结)",
                                       who: "办理单位、本地区整改办", body: .of(PetitionService.Progress.self))
    static let petitionLink = Self(method: .POST, template: "/petition-cases/:id/task", id: "linkPetitionTask",
                                   summary: "把信访件关联到本次督察的一项整改任务(长期整改),taskID 为空则取消关联",
                                   who: "本地区整改办", body: .of(PetitionService.TaskLink.self))

    // MARK: Accountability (责任追究, issue 13 §4)

    private static let accountabilityReaders = "纪检监察、整改办、领导(本地区)或管理员"
    static let accountabilityCases = Self(method: .GET, template: "/accountability-cases", id: "listAccountabilityCases",
                                          summary: "责任追究:问题线索及被追责人员", who: accountabilityReaders, query: Parameter.paging)
    static let accountabilityCounts = Self(method: .GET, template: "/accountability-cases/counts", id: "countAccountability",
                                           summary: "被追责人数(按处理方式、级别),不含姓名", who: anyone,
                                           query: [.optional("inspection", .integer, "只数这次督察")])
    static let accountabilityCase = Self(method: .GET, template: "/accountability-cases/:id", id: "getAccountabilityCase",
                                         summary: "一条问题线索及被追责人员", who: accountabilityReaders)
    static let accountabilityCreate = Self(method: .POST, template: "/accountability-cases", id: "createAccountabilityCase",
                                           summary: "登记问题线索", who: "纪检监察(本地区)", body: .of(AccountabilityService.NewCase.self),
                                           answer: .of(AccountabilityAPI.CaseOut.self, .created))
    static let accountabilityPerson = Self(method: .POST, template: "/accountability-cases/:id/people", id: "addAccountablePerson",
                                           summary: "登记被追责人员及处理方式", who: "纪检监察(本地区)",
                                           body: .of(AccountabilityService.NewPerson.self),
                                           answer: .of(AccountabilityAPI.CaseOut.self, .created))

    // MARK: Plans and indicators (整改方案、目标指标, issue 15)

    private static let planReaders = "本地区整改办、领导或管理员"
    static let plans = Self(method: .GET, template: "/inspections/:id/plans", id: "listPlans",
                            summary: "整改方案的各个批准版本(新到旧),最新版附与批准时基线相比的变化", who: planReaders)
    static let planCreate = Self(method: .POST, template: "/inspections/:id/plans", id: "approvePlan",
                                 summary: "登记整改方案的一个批准版本(文号、批准机关、日期),同时冻结当时的问题和任务作为基线",
                                 who: office, body: .of(PlanService.NewPlan.self), answer: .of(PlanService.PlanOut.self, .created))
    static let planDocumentUpload = Self(method: .POST, template: "/plans/:id/document", id: "uploadPlanDocument",
                                         summary: "上传这一版方案的文件(PDF、OFD 或 Word):请求体是文件本身", who: office,
                                         query: [.optional("name", .string(format: nil), "文件名(含扩展名)")],
                                         body: .file(["application/octet-stream"]))
    static let planDocument = Self(method: .GET, template: "/plans/:id/document", id: "downloadPlanDocument",
                                   summary: "下载这一版方案的文件", who: planReaders, answer: .file(evidenceTypes))
    static let taskWithdrawal = Self(method: .POST, template: "/tasks/:id/withdrawal", id: "withdrawTask",
                                     summary: "核减:登记批准机关把任务从方案中取消或并入另一项任务(文号、日期、理由);台账中的任务不变",
                                     who: office, body: .of(PlanService.Withdrawal.self), answer: .of(PlanService.PlanOut.self, .created))
    private static let indicatorFilters: [Parameter] = [
        .optional("region", .integer, "只看这个地区及其下级"), .optional("area", .enumeration(IndicatorArea.allCases.map(\.rawValue)), "领域"),
        .optional("inspection", .integer, "只看这次督察的指标"),
    ]
    static let indicators = Self(method: .GET, template: "/indicators", id: "listIndicators",
                                 summary: "指标目录,每项附此用户可见的各地区基准、目标和最新值(含灯色、同比)",
                                 who: "任何已登录用户;目标:已公开的,或本地区整改办、领导,或填报单位", query: indicatorFilters + Parameter.paging)
    static let indicatorCreate = Self(method: .POST, template: "/indicators", id: "createIndicator", summary: "在目录中新增指标",
                                      who: "整改办或管理员", body: .of(IndicatorService.NewIndicator.self),
                                      answer: .of(IndicatorAPI.IndicatorOut.self, .created))
    static let indicatorTarget = Self(method: .PUT, template: "/indicators/:id/targets", id: "setIndicatorTarget",
                                      summary: "设置(或修改)一个地区的基准值和年份、目标值和年份、年度目标、容差、填报单位、关联任务",
                                      who: "该地区的整改办或管理员", body: .of(IndicatorService.TargetIn.self))
    static let indicatorValues = Self(method: .GET, template: "/indicators/:id/values", id: "listIndicatorValues",
                                      summary: "指标的全部监测值(旧到新),每个值附目标路径值、灯色和同比",
                                      who: "同指标目录", query: indicatorFilters + Parameter.paging)
    static let indicatorValueRecord = Self(method: .POST, template: "/indicators/:id/values", id: "recordIndicatorValue",
                                           summary: "填报(或更正)一个期间的值:period 为 2025(全年)或 2025-03(1—3月累计)",
                                           who: "该地区的整改办、指标的填报单位", body: .of(IndicatorService.ValueIn.self),
                                           answer: .of(IndicatorAPI.ValueOut.self, .created))
    static let indicatorRanking = Self(method: .GET, template: "/indicators/:id/ranking", id: "rankIndicator",
                                       summary: "下一级地区在一个指标上的排名(好到差),未报的排在最后", who: "同指标目录",
                                       query: [.optional("region", .integer, "在这个地区的下一级中排名,默认本人所在地区"),
                                               .optional("period", .string(format: nil), "2025 或 2025-03,默认最近一期")])
    static let indicatorImportPreview = Self(method: .POST, template: "/indicators/import/preview", id: "previewIndicatorImport",
                                             summary: "监测值导入预览:请求体是 XLSX 或 CSV(指标、地区、期间或年份月份、数值、单位);不写入",
                                             who: "整改办、指标的填报单位", body: .file(ledgerFile))
    static let indicatorImport = Self(method: .POST, template: "/indicators/import", id: "importIndicatorValues",
                                      summary: "监测值导入:每行都对时在一个事务里写入,否则 422、不写入", who: "整改办、指标的填报单位",
                                      body: .file(ledgerFile))
    static let indicatorExport = Self(method: .GET, template: "/indicators/export", id: "exportIndicatorValues",
                                      summary: "监测值导出(与导入同一格式,可改后再导入)",
                                      who: "同指标目录", query: indicatorFilters + [.optional("format", .enumeration(["xlsx", "csv"]), "默认 xlsx")],
                                      answer: .file([xlsx, "text/csv"]))

    // MARK: Tokens

    static let tokens = Self(method: .GET, template: "/tokens", id: "listTokens", summary: "本人的 API 令牌", who: anyone,
                             query: Parameter.paging)
    static let tokenCreate = Self(method: .POST, template: "/tokens", id: "createToken", summary: "新建 API 令牌(只显示这一次)",
                                  who: anyone, body: .of(TokenAPI.NewToken.self), answer: .of(TokenAPI.Created.self, .created))
    static let tokenRevoke = Self(method: .DELETE, template: "/tokens/:id", id: "revokeToken", summary: "吊销本人的令牌", who: anyone)
}
