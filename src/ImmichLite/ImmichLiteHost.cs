using System.Net;
using ImmichLite.Activities;
using ImmichLite.Albums;
using ImmichLite.ApiKeys;
using ImmichLite.Assets;
using ImmichLite.Download;
using ImmichLite.Geocoding;
using ImmichLite.Jobs;
using ImmichLite.MachineLearning;
using ImmichLite.Maintenance;
using ImmichLite.Notifications;
using ImmichLite.Memories;
using ImmichLite.Partners;
using ImmichLite.Stacks;
using ImmichLite.Sync;
using ImmichLite.Timeline;
using ImmichLite.Media.Metadata;
using ImmichLite.Media.Pipeline;
using ImmichLite.Media.Thumbnails;
using ImmichLite.Media.Video;
using ImmichLite.Trash;
using ImmichLite.View;
using ImmichLite.Auth;
using ImmichLite.Authentication;
using ImmichLite.Contract;
using ImmichLite.Data;
using ImmichLite.Infrastructure;
using ImmichLite.Realtime;
using ImmichLite.Search;
using ImmichLite.Server;
using ImmichLite.Sessions;
using ImmichLite.SharedLinks;
using ImmichLite.SystemMetadata;
using ImmichLite.SystemConfig;
using ImmichLite.Tags;
using ImmichLite.Users;
using ImmichLite.UsersAdmin;

namespace ImmichLite;

/// <summary>Builds the whole server. Program.cs runs it; the tests start the same thing on 127.0.0.1.</summary>
public static class ImmichLiteHost
{
    public static WebApplication Build(string[] args, AppConfig? config = null)
    {
        config ??= AppConfig.Load(args);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });

        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "yyyy-MM-dd HH:mm:ss "; });
        builder.Logging.SetMinimumLevel(config.MinimumLevel);
        builder.Logging.AddFilter("Microsoft.AspNetCore", Microsoft.Extensions.Logging.LogLevel.Warning);

        builder.WebHost.UseKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = null; // uploads stream to disk; JSON bodies are capped by the handlers
            k.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(30);
            var port = config.Port;
            switch (config.Host)
            {
                case "localhost": k.ListenLocalhost(port); break;
                case "0.0.0.0" or "*" or "": k.Listen(IPAddress.Any, port); break;
                case "::": k.Listen(IPAddress.IPv6Any, port); break;
                default: k.Listen(IPAddress.Parse(config.Host), port); break;
            }
        });

        var s = builder.Services;
        s.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, ImmichJsonContext.Default));
        s.AddSingleton(config);
        s.AddSingleton(TimeProvider.System);
        s.AddSingleton(sp =>
        {
            // sqlite-vec (smart search's vector store) on every connection when vec0.so is there
            var vec = SmartSearchStore.ExtensionPath();
            var db = new Database(config.DatabasePath, vec);
            if (vec is null) SmartSearchStore.DisableTrigger(db);
            return db;
        });
        s.AddSingleton<StorageLayout>();
        s.AddSingleton<ApiRoutes.Registry>();
        s.AddSingleton<EventHub>();
        // data
        s.AddSingleton<UserStore>();
        s.AddSingleton<NotificationStore>();
        s.AddSingleton<ViewStore>();
        s.AddSingleton<StackStore>();
        s.AddSingleton<MaintenanceStore>();
        s.AddSingleton<UserDeletionJob>();
        s.AddSingleton<IJobHandler>(sp => sp.GetRequiredService<UserDeletionJob>());
        s.AddSingleton<DatabaseBackupJob>();
        s.AddSingleton<IJobHandler>(sp => sp.GetRequiredService<DatabaseBackupJob>());
        s.AddSingleton<NightlyMaintenance>();
        s.AddHostedService(sp => sp.GetRequiredService<NightlyMaintenance>());
        s.AddSingleton<SessionStore>();
        s.AddSingleton<ApiKeyStore>();
        s.AddSingleton<SystemMetadataStore>();
        s.AddSingleton<AssetStore>();
        s.AddSingleton<JobStore>();
        s.AddSingleton<PartnerStore>();
        s.AddSingleton<SyncStore>();
        s.AddSingleton<SyncStreamStore>();
        s.AddSingleton<TimelineStore>();
        s.AddSingleton<DownloadStore>();
        s.AddSingleton<AlbumStore>();
        s.AddSingleton<SharedLinkStore>();
        s.AddSingleton<ActivityStore>();
        s.AddSingleton<GeodataStore>();
        s.AddSingleton<TagStore>();
        s.AddSingleton<MemoryStore>();
        s.AddSingleton<SearchStore>();
        s.AddSingleton<SmartSearchStore>();
        // services
        s.AddSingleton<AuthService>();
        s.AddSingleton<LoginService>();
        s.AddSingleton<UserService>();
        s.AddSingleton<ServerInfo>();
        s.AddSingleton(new ServerSettings(config));
        s.AddSingleton<SystemConfigService>();
        s.AddSingleton<UploadService>();
        s.AddSingleton<AssetService>();
        s.AddSingleton<AlbumService>();
        s.AddSingleton<SharedLinkService>();
        s.AddSingleton<TrashPurger>();
        s.AddSingleton<TagService>();
        s.AddSingleton<MemoryService>();
        s.AddSingleton<MemoryGenerator>();
        s.AddSingleton<JobSignal>();
        s.AddSingleton<JobQueue>();
        // media pipeline: upload → metadata → thumbnails → video conversion
        s.AddSingleton<PipelineStore>();
        s.AddSingleton<IMetadataExtractor, MediaMetadataExtractor>();
        s.AddSingleton<IThumbnailGenerator, ThumbnailGenerator>();
        s.AddSingleton<IJobHandler, MetadataJob>();
        s.AddSingleton<IJobHandler, ThumbnailJob>();
        s.AddSingleton<IQueueStarter, PipelineStarters.Metadata>();
        s.AddSingleton<IQueueStarter, PipelineStarters.Thumbnails>();
        // → video conversion (Media/Video: the decision and ffmpeg's arguments are pure; ffprobe and ffmpeg run behind interfaces)
        s.AddSingleton<IFfprobe>(_ => new Ffprobe());
        s.AddSingleton<IFfmpegRunner>(_ => new FfmpegProcessRunner());
        s.AddSingleton<FfmpegHostProvider>();
        s.AddSingleton<VideoTranscoder>();
        s.AddSingleton<IJobHandler, VideoConversionJob>();
        s.AddSingleton<IQueueStarter, VideoConversionStarter>();
        // smart search (CLIP): thumbnails → SMART_SEARCH on the preview
        s.AddSingleton<ClipService>();
        s.AddHostedService<ClipWarmup>();
        s.AddSingleton<IJobHandler, SmartSearchJob>();
        s.AddSingleton<IQueueStarter, SmartSearchStarter>();
        s.AddHostedService(sp => sp.GetRequiredService<JobQueue>());
        s.AddHostedService(sp => sp.GetRequiredService<TrashPurger>());
        s.AddHostedService(sp => sp.GetRequiredService<MemoryGenerator>());
        s.AddHostedService<SystemdNotifier>();
        s.AddSingleton<ReverseGeocoder>();
        s.AddHostedService<GeodataImporter>();
        s.AddSingleton<StartupTasks>();
        s.AddRealtime();

        var app = builder.Build();
        app.Services.GetRequiredService<StartupTasks>().RunAsync().GetAwaiter().GetResult();
        app.Services.GetRequiredService<SystemConfigService>().ApplyStored();
        app.UseMiddleware<ErrorHandlingMiddleware>();
        app.UseWebSockets(RealtimeEndpoints.WebSocketOptions);

        app.MapWellKnown();
        app.MapAuthentication();
        app.MapUsers();
        app.MapUsersAdmin();
        app.MapSessions();
        app.MapApiKeys();
        app.MapServer();
        app.MapSystemMetadata();
        app.MapSystemConfig();
        app.MapAssets();
        app.MapTrash();
        app.MapDownload();
        app.MapAlbums();
        app.MapSharedLinks();
        app.MapActivities();
        app.MapGeocoding();
        app.MapSearch();
        app.MapJobs();
        app.MapPartners();
        app.MapSync();
        app.MapSyncStream();
        app.MapTimeline();
        app.MapNotifications();
        app.MapView();
        app.MapStacks();
        app.MapTags();
        app.MapMemories();
        app.MapApiDocs();
        app.MapRealtime();
        app.MapNotImplemented();
        return app;
    }

    static void MapWellKnown(this IEndpointRouteBuilder app) =>
        app.MapGet("/.well-known/immich", ctx => ctx.Json(new WellKnown { Api = new WellKnownApi { Endpoint = ApiRoutes.Prefix } }, ImmichLiteJsonContext.Default.WellKnown));
}
