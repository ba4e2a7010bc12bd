//! The tables, as diesel sees them (kept equal to migrations/*/up.sql by the tests).

diesel::table! {
    agencies (code) {
        code -> Text,
        name -> Text,
        tracking_prefix -> Text,
        created_at -> Timestamp,
        reconsideration_body -> Nullable<Text>,
        court -> Nullable<Text>,
    }
}

diesel::table! {
    departments (code) {
        code -> Text,
        agency_code -> Text,
        parent_code -> Nullable<Text>,
        name -> Text,
        is_intake -> Bool,
        created_at -> Timestamp,
        active -> Bool,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        username -> Text,
        display_name -> Text,
        email -> Nullable<Text>,
        role -> Text,
        password_hash -> Nullable<Text>,
        disabled -> Bool,
        failed_logins -> Integer,
        last_failed_login_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        must_change_password -> Bool,
        password_expires_at -> Nullable<Timestamp>,
        secrecy_reviewer -> Bool,
    }
}

diesel::table! {
    user_departments (user_id, department_code) {
        user_id -> Text,
        department_code -> Text,
    }
}

diesel::table! {
    applicant_profiles (id) {
        id -> Text,
        user_id -> Nullable<Text>,
        applicant_type -> Text,
        name -> Text,
        id_document_type -> Nullable<Text>,
        id_document_number -> Nullable<Text>,
        credit_code -> Nullable<Text>,
        legal_representative -> Nullable<Text>,
        contact_person -> Nullable<Text>,
        phone -> Nullable<Text>,
        email -> Nullable<Text>,
        postal_address -> Nullable<Text>,
        postal_code -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    tracking_counters (agency_code, year) {
        agency_code -> Text,
        year -> Integer,
        last_value -> BigInt,
    }
}

diesel::table! {
    cases (id) {
        id -> Text,
        tracking_number -> Nullable<Text>,
        query_code_hash -> Text,
        agency_code -> Text,
        department_code -> Text,
        assignee -> Nullable<Text>,
        account -> Nullable<Text>,
        status -> Text,
        sub_state -> Nullable<Text>,
        applicant_type -> Nullable<Text>,
        applicant_name -> Text,
        channel -> Text,
        receipt_date -> Nullable<Date>,
        due_date -> Nullable<Date>,
        due_sort -> Date,
        provisional -> Bool,
        warning_level -> Nullable<Text>,
        outcome -> Nullable<Text>,
        outcome_ground -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        replied_on -> Nullable<Date>,
        reply_due_on -> Nullable<Date>,
        reply_days -> Nullable<Integer>,
        concluded_on -> Nullable<Date>,
        applicant_key -> Nullable<Text>,
        consultation_due -> Nullable<Date>,
        filing_reference -> Nullable<Text>,
    }
}

diesel::table! {
    case_texts (id) {
        id -> BigInt,
        case_id -> Text,
        name -> Text,
        description -> Text,
        reply -> Text,
    }
}

diesel::table! {
    case_bands (case_id, band) {
        case_id -> Text,
        agency_code -> Text,
        band -> Integer,
        hash -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    report_tallies (department_code, year, agency_code, applicant_column, reopened, outcome) {
        agency_code -> Text,
        department_code -> Text,
        year -> Integer,
        applicant_column -> Integer,
        reopened -> Bool,
        outcome -> Text,
        n -> BigInt,
    }
}

diesel::table! {
    stats_tallies (department_code, year, agency_code, month, measure, reply, reply_days, stripe) {
        agency_code -> Text,
        department_code -> Text,
        year -> Integer,
        month -> Integer,
        measure -> Text,
        reply -> Text,
        reply_days -> Integer,
        stripe -> Integer,
        n -> BigInt,
    }
}

diesel::table! {
    frequent_marks (id) {
        id -> Text,
        agency_code -> Text,
        period_from -> Date,
        period_to -> Date,
        representative -> Text,
        case_ids -> Text,
        note -> Text,
        marked_by -> Text,
        marked_at -> Timestamp,
    }
}

diesel::table! {
    case_events (case_id, seq) {
        case_id -> Text,
        seq -> BigInt,
        kind -> Text,
        payload -> Text,
        actor_id -> Text,
        actor_role -> Text,
        recorded_at -> Timestamp,
        legal_date -> Nullable<Date>,
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::table! {
    attachments (id) {
        id -> Text,
        case_id -> Text,
        sha256 -> Text,
        filename -> Text,
        content_type -> Text,
        size_bytes -> BigInt,
        uploaded_by -> Text,
        uploaded_at -> Timestamp,
    }
}

diesel::table! {
    outbox (id) {
        id -> Text,
        case_id -> Text,
        event_seq -> BigInt,
        notice_kind -> Text,
        recipient -> Text,
        message_id -> Text,
        dedupe_key -> Nullable<Text>,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        lease_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        sent_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        subject -> Nullable<Text>,
        body -> Nullable<Text>,
        sent_to -> Nullable<Text>,
    }
}

diesel::table! {
    jobs (id) {
        id -> Text,
        kind -> Text,
        payload -> Text,
        unique_key -> Nullable<Text>,
        status -> Text,
        run_at -> Timestamp,
        attempts -> Integer,
        lease_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    sessions (token_hash) {
        token_hash -> Text,
        user_id -> Text,
        csrf_token -> Text,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    login_throttle (key) {
        key -> Text,
        attempts -> Integer,
        last_at -> BigInt,
        blocked_until -> BigInt,
    }
}

diesel::table! {
    settings (key) {
        key -> Text,
        value -> Text,
        updated_by -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    calendar_years (year) {
        year -> Integer,
        toml -> Text,
        uploaded_by -> Text,
        uploaded_at -> Timestamp,
    }
}

diesel::table! {
    published_reports (scope, year, version) {
        scope -> Text,
        year -> Integer,
        version -> Integer,
        tables -> Text,
        reason -> Nullable<Text>,
        published_by -> Text,
        published_at -> Timestamp,
    }
}

diesel::table! {
    release_downloads (id) {
        id -> Text,
        case_id -> Text,
        attachment_id -> Nullable<Text>,
        via -> Text,
        address_hash -> Text,
        downloaded_at -> Timestamp,
    }
}

diesel::table! {
    release_links (token_hash) {
        token_hash -> Text,
        case_id -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    reading_room (case_id) {
        case_id -> Text,
        agency_code -> Text,
        subject -> Text,
        items -> Text,
        search_text -> Text,
        published_on -> Date,
        published_at -> Timestamp,
        withdrawn_at -> Nullable<Timestamp>,
        withdrawn_on -> Nullable<Date>,
        withdraw_reason -> Nullable<Text>,
    }
}

diesel::joinable!(departments -> agencies (agency_code));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(case_events -> cases (case_id));
diesel::joinable!(outbox -> cases (case_id));
diesel::joinable!(case_texts -> cases (case_id));
diesel::joinable!(case_bands -> cases (case_id));
diesel::joinable!(attachments -> cases (case_id));
diesel::joinable!(release_downloads -> cases (case_id));
diesel::joinable!(release_links -> cases (case_id));
diesel::joinable!(reading_room -> cases (case_id));
diesel::joinable!(user_departments -> users (user_id));
diesel::joinable!(user_departments -> departments (department_code));

diesel::allow_tables_to_appear_in_same_query!(
    agencies,
    departments,
    users,
    user_departments,
    applicant_profiles,
    tracking_counters,
    cases,
    case_events,
    attachments,
    outbox,
    jobs,
    sessions,
    login_throttle,
    settings,
    calendar_years,
    case_texts,
    case_bands,
    report_tallies,
    stats_tallies,
    frequent_marks,
    published_reports,
    release_downloads,
    release_links,
    reading_room,
);
