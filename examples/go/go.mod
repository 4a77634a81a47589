module example.invalid/convt

go 1.19
