-- Each audit row writes its outbox event and moves the tenant's chain head
-- inside the database, so an audited change costs one statement instead of
-- three and the three rows can never disagree.
CREATE TRIGGER logs_outbox AFTER INSERT ON logs BEGIN
    INSERT INTO events (tenant_id, seq, event_type, entity_type, entity_id, payload, created_at)
    VALUES (
        NEW.tenant_id, NEW.seq, NEW.action, NEW.entity_type, NEW.entity_id,
        json_object(
            'actor', NEW.actor,
            'changes', json(NEW.details),
            'entity_id', NEW.entity_id,
            'entity_type', NEW.entity_type,
            'trace_id', NEW.trace_id
        ),
        NEW.timestamp
    );
    UPDATE audit_heads SET seq = NEW.seq, hash = NEW.hash WHERE tenant_id = NEW.tenant_id;
END;
