using ImmichLite;

ImmichLite.Infrastructure.NativeHeap.Configure();
ImmichLite.Infrastructure.NativeLibraries.Initialize();
var app = ImmichLiteHost.Build(args);
app.Run();
