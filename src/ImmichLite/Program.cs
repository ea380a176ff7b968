using ImmichLite;

ImmichLite.Infrastructure.NativeLibraries.Initialize();
var app = ImmichLiteHost.Build(args);
app.Run();
