mod cbc_client;
