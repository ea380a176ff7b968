using ImmichLite;

var app = ImmichLiteHost.Build(args);
app.Run();
