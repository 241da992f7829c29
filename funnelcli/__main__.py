from funnelcli.launch import main

main()
