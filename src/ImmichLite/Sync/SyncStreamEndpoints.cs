using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ImmichLite.Auth;
using ImmichLite.Contract;
using ImmichLite.Data;
using ImmichLite.Infrastructure;

namespace ImmichLite.Sync;

/// <summary>The sync stream: POST /sync/stream answers newline-delimited JSON lines
/// <c>{"type","data","ack":"&lt;type&gt;|&lt;updateId&gt;"}</c> for the requested types (in a fixed order, parents
/// before children; per type deletes first, then upserts), each feed resuming after the session's checkpoint for
/// its entity type. GET/POST/DELETE /sync/ack read, set and clear those checkpoints. All of it needs a session
/// (an API key has no place to keep checkpoints). Lines are written in bounded batches straight from the database.</summary>
public static class SyncStreamEndpoints
{
    public const string ContentType = "application/jsonlines+json";
    public const string NoSessionMessage = "Sync endpoints cannot be used with API keys";
    const int Batch = 500;

    /// <summary>The order the server processes request types in, whatever order the client sends them in.</summary>
    static readonly SyncRequestType[] Order =
    [
        SyncRequestType.UsersV1, SyncRequestType.PartnersV1, SyncRequestType.AssetsV1, SyncRequestType.AssetExifsV1,
        SyncRequestType.PartnerAssetsV1, SyncRequestType.PartnerAssetExifsV1, SyncRequestType.AlbumsV1, SyncRequestType.AlbumUsersV1,
    ];

    public static void MapSyncStream(this IEndpointRouteBuilder app)
    {
        var g = app.MapApiGroup("Sync");
        var store = app.ServiceProvider.GetRequiredService<SyncStreamStore>();
        var clock = app.ServiceProvider.GetRequiredService<TimeProvider>();
        var j = ImmichJsonContext.Default;

        g.MapOp(ApiOps.GetSyncStream, async ctx =>
        {
            var dto = await ctx.Body(j.SyncStreamDto);
            var session = RequireSession(ctx);
            var me = ctx.Auth().UserId;
            var checkpoints = new Dictionary<SyncEntityType, string>();
            foreach (var (_, ack) in store.Checkpoints(session.Id))
                if (TryParseAck(ack, out var type, out var id)) checkpoints[type] = id;
            var asked = dto.Types.ToHashSet();

            ctx.Response.StatusCode = 200;
            ctx.Response.ContentType = ContentType;
            using var lines = new LineWriter(ctx);
            foreach (var t in Order)
            {
                if (!asked.Contains(t)) continue;
                switch (t)
                {
                    case SyncRequestType.UsersV1:
                        await lines.Feed(SyncEntityType.UserDeleteV1, j.SyncUserDeleteV1, checkpoints, (a, n) => store.UserDeletes(me, a, n));
                        await lines.Feed(SyncEntityType.UserV1, j.SyncUserV1, checkpoints, (a, n) => store.Users(me, a, n));
                        break;
                    case SyncRequestType.PartnersV1:
                        await lines.Feed(SyncEntityType.PartnerDeleteV1, j.SyncPartnerDeleteV1, checkpoints, (a, n) => store.PartnerDeletes(me, a, n));
                        await lines.Feed(SyncEntityType.PartnerV1, j.SyncPartnerV1, checkpoints, (a, n) => store.Partners(me, a, n));
                        break;
                    case SyncRequestType.AssetsV1:
                        await lines.Feed(SyncEntityType.AssetDeleteV1, j.SyncAssetDeleteV1, checkpoints, (a, n) => store.AssetDeletes(me, a, n));
                        await lines.Feed(SyncEntityType.AssetV1, j.SyncAssetV1, checkpoints, (a, n) => store.Assets(me, a, n));
                        break;
                    case SyncRequestType.AssetExifsV1:
                        await lines.Feed(SyncEntityType.AssetExifV1, j.SyncAssetExifV1, checkpoints, (a, n) => store.AssetExifs(me, a, n));
                        break;
                    case SyncRequestType.PartnerAssetsV1:
                        await lines.Feed(SyncEntityType.PartnerAssetDeleteV1, j.SyncAssetDeleteV1, checkpoints, (a, n) => store.PartnerAssetDeletes(me, a, n));
                        await lines.Feed(SyncEntityType.PartnerAssetV1, j.SyncAssetV1, checkpoints, (a, n) => store.PartnerAssets(me, a, n));
                        break;
                    case SyncRequestType.PartnerAssetExifsV1:
                        await lines.Feed(SyncEntityType.PartnerAssetExifV1, j.SyncAssetExifV1, checkpoints, (a, n) => store.PartnerAssetExifs(me, a, n));
                        break;
                    case SyncRequestType.AlbumsV1:
                        await lines.Feed(SyncEntityType.AlbumDeleteV1, j.SyncAlbumDeleteV1, checkpoints, (a, n) => store.AlbumDeletes(me, a, n));
                        await lines.Feed(SyncEntityType.AlbumV1, j.SyncAlbumV1, checkpoints, (a, n) => store.Albums(me, a, n));
                        break;
                    case SyncRequestType.AlbumUsersV1:
                        await lines.Feed(SyncEntityType.AlbumUserDeleteV1, j.SyncAlbumUserDeleteV1, checkpoints, (a, n) => store.AlbumUserDeletes(me, a, n));
                        await lines.Feed(SyncEntityType.AlbumUserV1, j.SyncAlbumUserV1, checkpoints, (a, n) => store.AlbumUsers(me, a, n));
                        break;
                }
            }
            await ctx.Response.BodyWriter.FlushAsync(ctx.RequestAborted);
        });

        g.MapOp(ApiOps.GetSyncAck, ctx =>
        {
            var session = RequireSession(ctx);
            var list = new List<SyncAckDto>();
            foreach (var (_, ack) in store.Checkpoints(session.Id))
                if (TryParseAck(ack, out var type, out _)) list.Add(new SyncAckDto { Type = type, Ack = ack });
            return ctx.Json(list, j.ListSyncAckDto);
        });

        g.MapOp(ApiOps.SendSyncAck, async ctx =>
        {
            var dto = await ctx.Body(j.SyncAckSetDto);
            var session = RequireSession(ctx);
            var acks = new Dictionary<SyncEntityType, string>();
            foreach (var ack in dto.Acks)
            {
                if (ack is null) throw ApiException.Validation(["each value in acks must be a string"]);
                var bar = ack.IndexOf('|');
                var typeText = bar < 0 ? ack : ack[..bar];
                if (!EnumText.TryParse<SyncEntityType>(typeText, out var type)) throw ApiException.BadRequest($"Invalid ack type: {typeText}");
                if (!TryParseAck(ack, out _, out var updateId)) throw ApiException.BadRequest($"Invalid ack: {ack}");
                if (!acks.TryAdd(type, typeText + "|" + updateId)) throw ApiException.BadRequest("Only one ack per type is allowed");
            }
            if (acks.Count > 0)
                await store.SetCheckpointsAsync(session.Id, acks.Select(kv => (EnumText.Of(kv.Key), kv.Value)).ToList(), clock.GetUtcNow().UtcDateTime);
            await ctx.NoContent();
        });

        g.MapOp(ApiOps.DeleteSyncAck, async ctx =>
        {
            var dto = await ctx.OptionalBody(j.SyncAckDeleteDto, () => new SyncAckDeleteDto());
            var session = RequireSession(ctx);
            await store.DeleteCheckpointsAsync(session.Id, dto.Types?.Select(EnumText.Of).ToList());
            await ctx.NoContent();
        });
    }

    static SessionRow RequireSession(HttpContext ctx) =>
        ctx.Auth().Session ?? throw ApiException.Forbidden(NoSessionMessage);

    /// <summary>"&lt;SyncEntityType&gt;|&lt;updateId&gt;", the updateId a UUID (lower-cased, as the ids are stored).</summary>
    public static bool TryParseAck(string ack, out SyncEntityType type, out string updateId)
    {
        type = default;
        updateId = "";
        var parts = ack.Split('|');
        if (parts.Length != 2 || !EnumText.TryParse(parts[0], out type) || !Ids.IsUuid(parts[1])) return false;
        updateId = parts[1].ToLowerInvariant();
        return true;
    }

    /// <summary>Writes one JSON object per line on the response body; flushes to the client after each batch.</summary>
    sealed class LineWriter(HttpContext ctx) : IDisposable
    {
        readonly Utf8JsonWriter _w = new(ctx.Response.BodyWriter);

        void Write<T>(string type, string id, T data, JsonTypeInfo<T> info)
        {
            _w.WriteStartObject();
            _w.WriteString("type", type);
            _w.WritePropertyName("data");
            JsonSerializer.Serialize(_w, data, info);
            _w.WriteString("ack", type + "|" + id);
            _w.WriteEndObject();
            _w.Flush();
            ctx.Response.BodyWriter.Write("\n"u8);
            _w.Reset();
        }

        /// <summary>One entity type's feed after its checkpoint, page by page.</summary>
        public async Task Feed<T>(SyncEntityType type, JsonTypeInfo<T> info, Dictionary<SyncEntityType, string> checkpoints,
            Func<string, int, List<(string Id, T Data)>> page)
        {
            var name = EnumText.Of(type);
            var after = checkpoints.GetValueOrDefault(type, "");
            while (true)
            {
                var rows = page(after, Batch);
                foreach (var (id, data) in rows) Write(name, id, data, info);
                await ctx.Response.BodyWriter.FlushAsync(ctx.RequestAborted);
                if (rows.Count < Batch) break;
                after = rows[^1].Id;
            }
        }

        public void Dispose() => _w.Dispose();
    }
}
