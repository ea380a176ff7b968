var b = WebApplication.CreateSlimBuilder(args); var a=b.Build(); a.Run();
