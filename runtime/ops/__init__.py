"""Operations and analytics: history across services, time travel, replay, dead letters, export."""
