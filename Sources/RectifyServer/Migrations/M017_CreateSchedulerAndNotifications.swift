import Fluent
import SQLKit

/// The scheduler's runs (one row per job and day: the lease several instances share),
/// every user's inbox, the office's outbound channels and each message sent on them,
/// and what a citizen left with an objection made online (issue 12 §2, §3, §6).
struct M017_CreateSchedulerAndNotifications: AsyncMigration {
    var name: String { "017_CreateSchedulerAndNotifications" }

    func prepare(on db: any Database) async throws {
        try await db.schema("scheduler_runs")
            .field(.id, .int, .identifier(auto: true))
            .field("job", .string, .required)
            .field("day", .string, .required)
            .field("state", .string, .required)
            .field("holder", .string, .required)
            .field("attempts", .int, .required)
            .field("started_at", .datetime, .required)
            .field("lease_until", .datetime, .required)
            .field("finished_at", .datetime)
            .field("detail", .string, .required)
            .unique(on: "job", "day")
            .create()
        try await createIndex(on: db, "scheduler_runs_started", table: "scheduler_runs", columns: ["started_at"])

        try await db.schema("notifications")
            .field(.id, .int, .identifier(auto: true))
            .field("user_id", .int, .required, .references("users", .id, onDelete: .cascade))
            .field("kind", .string, .required)
            .field("title", .string, .required)
            .field("body", .string, .required)
            .field("link", .string, .required)
            .field("task_id", .int, .references("tasks", .id, onDelete: .cascade))
            // What makes two notifications the same one (a job run twice adds none).
            .field("dedupe_key", .string, .required)
            .field("created_at", .datetime, .required)
            .field("read_at", .datetime)
            .unique(on: "user_id", "dedupe_key")
            .create()
        try await createIndex(on: db, "notifications_inbox", table: "notifications", columns: ["user_id", "read_at", "id"])

        try await db.schema("notification_channels")
            .field(.id, .int, .identifier(auto: true))
            .field("region_code", .int, .required, .references("regions", "code"))
            .field("kind", .string, .required)
            .field("name", .string, .required)
            // A webhook's URL, or an SMTP server's smtp://host:port.
            .field("target", .string, .required)
            // The robot's signing secret (钉钉 加签), or the SMTP login's password.
            .field("secret", .string, .required)
            // SMTP: the sender and the recipients (comma-separated); empty for webhooks.
            .field("sender", .string, .required)
            .field("recipients", .string, .required)
            .field("events", .string, .required)
            .field("active", .bool, .required)
            .field("created_by", .int, .required, .references("users", .id))
            .field("created_at", .datetime, .required)
            .create()

        try await db.schema("deliveries")
            .field(.id, .int, .identifier(auto: true))
            .field("channel_id", .int, .required, .references("notification_channels", .id, onDelete: .cascade))
            .field("kind", .string, .required)
            .field("title", .string, .required)
            .field("body", .string, .required)
            .field("link", .string, .required)
            .field("dedupe_key", .string, .required)
            .field("state", .string, .required)
            .field("attempts", .int, .required)
            .field("next_attempt_at", .datetime, .required)
            .field("claimed_until", .datetime)
            .field("last_error", .string, .required)
            .field("created_at", .datetime, .required)
            .field("sent_at", .datetime)
            .unique(on: "channel_id", "dedupe_key")
            .create()
        try await createIndex(on: db, "deliveries_due", table: "deliveries", columns: ["state", "next_attempt_at"])

        try await db.schema("objection_contacts")
            .field(.id, .int, .identifier(auto: true))
            .field("entry_id", .int, .required, .references("task_entries", .id, onDelete: .cascade))
            .field("name", .string, .required)
            .field("contact", .string, .required)
            .field("address", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "entry_id")
            .create()
        try await createIndex(on: db, "objection_contacts_address", table: "objection_contacts", columns: ["address", "created_at"])
    }

    func revert(on db: any Database) async throws {
        for table in ["objection_contacts", "deliveries", "notification_channels", "notifications", "scheduler_runs"] {
            try await db.schema(table).delete()
        }
    }
}
