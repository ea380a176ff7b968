using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace ImmichLite.Infrastructure;

/// <summary>Who an event is for: users (their rooms), one session, or everyone.</summary>
public enum EventAudience { Users, Session, Broadcast }

/// <summary>One server event with its payload already serialised (JSON), addressed as upstream addresses it.</summary>
public sealed record ServerEvent(string Name, EventAudience Audience, IReadOnlyList<string> Targets, string? PayloadJson);

/// <summary>The one place that announces what happened (asset uploaded, trashed, user deleted, ...).
/// The realtime channel subscribes; nothing here knows about sockets.</summary>
public sealed class EventHub(ILogger<EventHub> log)
{
    public event Action<ServerEvent>? Published;

    public void Publish(ServerEvent e)
    {
        var handlers = Published;
        if (handlers is null) return;
        foreach (Action<ServerEvent> h in handlers.GetInvocationList())
        {
            try { h(e); }
            catch (Exception ex) { log.LogWarning(ex, "event subscriber failed for {Event}", e.Name); }
        }
    }

    public void UserDeleted(string userId) =>
        Publish(new ServerEvent("on_user_delete", EventAudience.Broadcast, [], JsonSerializer.Serialize(userId, Contract.ImmichJsonContext.Default.String)));

    public void SessionDeleted(string sessionId) =>
        Publish(new ServerEvent("on_session_delete", EventAudience.Session, [sessionId], JsonSerializer.Serialize(sessionId, Contract.ImmichJsonContext.Default.String)));

    public void ConfigUpdated() => Publish(new ServerEvent("on_config_update", EventAudience.Broadcast, [], null));
}
