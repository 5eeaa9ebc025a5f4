using CohortFunctions.LocalHost;

LocalFunctionsHost.Build(args).Run();
