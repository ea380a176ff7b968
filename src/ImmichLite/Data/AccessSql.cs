namespace ImmichLite.Data;

/// <summary>The access rules as SQL, in one place. Parameters: $u (the user), $ids (a JSON array of ids),
/// $l (a shared link), $a (an album). An album exists for its members only while its owner does (a
/// soft-deleted owner's albums are gone for everyone); album and link access reach only active (not
/// trashed, not locked) assets, and the video part of a live photo goes with its photo.</summary>
public static class AccessSql
{
    /// <summary>What an album holds as far as anyone else is concerned ("a" is the asset).</summary>
    public const string AlbumAssetFilter = "a.status = 'active' AND a.visibility <> 'locked'";

    /// <summary>Albums $u owns or is a member of (any role).</summary>
    public const string VisibleAlbums = """
        SELECT al.id FROM albums al JOIN users o ON o.id = al.ownerId AND o.deletedAt IS NULL
        WHERE al.deletedAt IS NULL AND (al.ownerId = $u OR al.id IN (SELECT au.albumId FROM album_users au WHERE au.userId = $u))
        """;

    /// <summary>Owners whose libraries $u sees as a partner (they share with $u), the owner still active.</summary>
    public const string PartnerOwners = """
        SELECT p.sharedById FROM partners p JOIN users o ON o.id = p.sharedById AND o.deletedAt IS NULL WHERE p.sharedWithId = $u
        """;

    /// <summary>$u and the partners whose libraries $u shows in their timeline (inTimeline), the owner still active:
    /// the owners that search, search suggestions, the places page and the map (withPartners) go through, as
    /// upstream's getMyPartnerIds(timelineEnabled). Partners' assets still pass <see cref="PartnerAssetFilter"/>.</summary>
    public const string TimelineOwners = $"SELECT $u UNION ALL {PartnerOwners} AND p.inTimeline = 1";

    /// <summary>What a partner may see of an owner's library ("a" is the asset): not locked assets.</summary>
    public const string PartnerAssetFilter = "a.visibility <> 'locked'";

    /// <summary>Assets among $ids that $u may see: their own, their partners' (not locked), and those in albums they own or are a member of.</summary>
    public const string ReadableAssets = $"""
        SELECT w.value FROM json_each($ids) w
        WHERE EXISTS (SELECT 1 FROM assets a WHERE a.id = w.value AND a.ownerId = $u)
           OR EXISTS (SELECT 1 FROM assets a WHERE a.id = w.value AND {PartnerAssetFilter} AND a.ownerId IN ({PartnerOwners}))
           OR EXISTS (SELECT 1 FROM albums_assets aa JOIN assets a ON a.id = aa.assetId
                      WHERE aa.assetId = w.value AND {AlbumAssetFilter} AND aa.albumId IN ({VisibleAlbums}))
           OR EXISTS (SELECT 1 FROM assets a JOIN albums_assets aa ON aa.assetId = a.id
                      WHERE a.livePhotoVideoId = w.value AND {AlbumAssetFilter} AND aa.albumId IN ({VisibleAlbums}))
        """;

    /// <summary>Assets among $ids that the shared link $l shows: its own assets, or its album's.</summary>
    public const string SharedLinkAssets = $"""
        SELECT w.value FROM json_each($ids) w
        WHERE EXISTS (SELECT 1 FROM shared_link_assets sa JOIN assets a ON a.id = sa.assetId
                      WHERE sa.sharedLinkId = $l AND (sa.assetId = w.value OR a.livePhotoVideoId = w.value) AND {AlbumAssetFilter})
           OR EXISTS (SELECT 1 FROM shared_links sl JOIN albums_assets aa ON aa.albumId = sl.albumId JOIN assets a ON a.id = aa.assetId
                      WHERE sl.id = $l AND aa.assetId = w.value AND {AlbumAssetFilter})
           OR EXISTS (SELECT 1 FROM shared_links sl JOIN albums_assets aa ON aa.albumId = sl.albumId JOIN assets a ON a.id = aa.assetId
                      WHERE sl.id = $l AND a.livePhotoVideoId = w.value AND {AlbumAssetFilter})
        """;

    /// <summary>One row (ownerId, role of $u or NULL) when album $a exists for anyone (its owner not deleted).
    /// $u owns it when ownerId = $u, is a member when role is not NULL, and has no access otherwise.</summary>
    public const string AlbumRole = """
        SELECT al.ownerId, (SELECT au.role FROM album_users au WHERE au.albumId = al.id AND au.userId = $u)
        FROM albums al JOIN users o ON o.id = al.ownerId AND o.deletedAt IS NULL
        WHERE al.id = $a AND al.deletedAt IS NULL
        """;

    /// <summary>Tags among $ids that $u owns: a tag is only ever its owner's (upstream's tag.read/update/delete/asset).</summary>
    public const string OwnedTags = "SELECT id FROM tags WHERE id IN (SELECT value FROM json_each($ids)) AND userId = $u";

    /// <summary>Activity $id when $u may delete it: its author, or the owner of its album.</summary>
    public const string DeletableActivity = """
        SELECT ac.id FROM activity ac JOIN albums al ON al.id = ac.albumId
        WHERE ac.id = $id AND (ac.userId = $u OR al.ownerId = $u)
        """;
}
