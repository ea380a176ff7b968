using System.Text.Json;
using ImmichLite.Assets;
using ImmichLite.Auth;
using ImmichLite.Contract;
using ImmichLite.Data;
using ImmichLite.Infrastructure;

namespace ImmichLite.Memories;

/// <summary>Memory access and shapes. A memory is its owner's alone: anyone else (or a shared link) gets upstream's
/// 400 "Not found or no memory.X access", as for a memory that does not exist.</summary>
public sealed class MemoryService(MemoryStore memories, AssetService assets)
{
    public const string Read = "memory.read";
    public const string Update = "memory.update";
    public const string Delete = "memory.delete";

    public MemoryRow RequireAccess(AuthContext auth, string memoryId, string permission)
    {
        var memory = memories.Get(memoryId); // not deleted
        if (auth.SharedLink is not null || memory is null || memory.OwnerId != auth.UserId) throw ApiException.BadRequest($"Not found or no {permission} access");
        return memory;
    }

    public MemoryResponseDto ToDto(MemoryRow m, string viewerId) => ToDtos([m], viewerId)[0];

    /// <summary>upstream's mapMemory: the optional dates only when set; the assets it shows (in the timeline, not trashed), oldest first.</summary>
    public List<MemoryResponseDto> ToDtos(IReadOnlyList<MemoryRow> rows, string viewerId)
    {
        var assetIds = memories.AssetIds(rows.Select(r => r.Id).ToList());
        // one read for the assets of all of them
        var dtos = assets.Dtos(assetIds.Values.SelectMany(ids => ids).Distinct().ToList(), viewerId).ToDictionary(d => d.Id);
        return rows.Select(m => new MemoryResponseDto
        {
            Id = m.Id,
            OwnerId = m.OwnerId,
            Type = EnumText.TryParse<MemoryType>(m.Type, out var type) ? type : MemoryType.OnThisDay,
            Data = Data(m.Data),
            IsSaved = m.IsSaved,
            MemoryAt = m.MemoryAt,
            SeenAt = m.SeenAt,
            ShowAt = m.ShowAt,
            HideAt = m.HideAt,
            CreatedAt = m.CreatedAt,
            UpdatedAt = m.UpdatedAt,
            DeletedAt = m.DeletedAt,
            Assets = (assetIds.GetValueOrDefault(m.Id) ?? []).Where(dtos.ContainsKey).Select(id => dtos[id]).ToList(),
        }).ToList();
    }

    public static string DataJson(int year) => JsonSerializer.Serialize(new OnThisDayDto { Year = year }, ImmichJsonContext.Default.OnThisDayDto);

    static OnThisDayDto Data(string json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, ImmichJsonContext.Default.OnThisDayDto) ?? new OnThisDayDto { Year = 1 };
        }
        catch (JsonException)
        {
            return new OnThisDayDto { Year = 1 };
        }
    }
}
